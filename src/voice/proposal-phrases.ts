// The delegates' proposal sentences (党代会代表提案, MECHANISM 3.1, issue 14 section 3), pure:
// - "提案：关于……的建议" — a delegate files a proposal (the text after the colon; several lines are fine);
// - "提案3" / "查看提案3" — one proposal, for those who may see it;
// - "提案3立案" / "提案3不予立案：理由" — the OD's registration step, typed instead of the card's buttons;
// - "提案3交由后勤处办理" / "提案3交由张三办理" — the OD assigns it to an office or a person;
// - "提案3答复：…" — the assignee (or the OD for an office) records the answer;
// - "我的提案", "提案列表", "待办提案" — lists.
// A sentence without the colon or the number ("我想写个提案", "今天和李四谈心，聊了他的提案想法") is not one of
// these and is left to the others.

export type ProposalCommand =
  | { kind: 'file'; text: string }
  | { kind: 'show'; number: string }
  | { kind: 'register'; number: string }
  /** `reason` empty: the reason is asked for and taken from the next message. */
  | { kind: 'decline'; number: string; reason: string }
  | { kind: 'assign'; number: string; to: string }
  | { kind: 'answer'; number: string; text: string }
  | { kind: 'mine' }
  | { kind: 'list' }
  | { kind: 'todo' };

const ID = '提案\\s*(\\d{1,9})';
const ASK = '[？?。]?$';
const FILE = /^(?:党代会代表)?提案\s*[：:]([\s\S]*)$/;
const VIEW = new RegExp(`^(?:查看|查询)?${ID}${ASK}`);
const REGISTER = [new RegExp(`^${ID}\\s*(?:予以)?立案[。！!]?$`), /^立案\s*提案\s*(\d{1,9})[。！!]?$/];
const DECLINE = new RegExp(`^${ID}\\s*不予立案\\s*(?:[：:，,]\\s*([\\s\\S]*))?$`);
const ASSIGN = new RegExp(`^${ID}\\s*(?:交由|交给|转交|转由|由)\\s*([^\\s：:，,。][^：:，,。]{0,40}?)\\s*(?:负责)?(?:办理|答复|承办)[。！!]?$`);
const ANSWER = [new RegExp(`^${ID}\\s*(?:的)?答复\\s*[：:]([\\s\\S]*)$`), /^答复提案\s*(\d{1,9})\s*[：:]([\s\S]*)$/];
const MINE = new RegExp(`^(?:查看|查询)?我的提案${ASK}`);
const LIST = new RegExp(`^(?:查看|查询)?(?:全部|所有)?提案(?:列表|清单)${ASK}`);
const OPEN_LIST = new RegExp(`^(?:查看|查询)?(?:待办|待处理|待答复)提案${ASK}`);

/** The command the text is, or null. */
export function matchProposalCommand(raw: string): ProposalCommand | null {
  const t = raw.trim();
  let m = FILE.exec(t);
  if (m) return { kind: 'file', text: m[1]!.trim() };
  m = VIEW.exec(t);
  if (m) return { kind: 'show', number: m[1]! };
  for (const re of REGISTER) {
    m = re.exec(t);
    if (m) return { kind: 'register', number: m[1]! };
  }
  m = DECLINE.exec(t);
  if (m) return { kind: 'decline', number: m[1]!, reason: (m[2] ?? '').trim() };
  m = ASSIGN.exec(t);
  if (m) return { kind: 'assign', number: m[1]!, to: m[2]!.trim() };
  for (const re of ANSWER) {
    m = re.exec(t);
    if (m) return { kind: 'answer', number: m[1]!, text: m[2]!.trim() };
  }
  if (MINE.test(t)) return { kind: 'mine' };
  if (LIST.test(t)) return { kind: 'list' };
  if (OPEN_LIST.test(t)) return { kind: 'todo' };
  return null;
}
