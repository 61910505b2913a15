// The quarterly self-evaluation sentences (季度自评, MECHANISM 3.3), pure: "季度自评：本季度完成了…" submits the
// writer's own (a multi-line text is fine), "代冯无号提交季度自评：…" a branch secretary's submission for a member
// without a chat account,
// "我的季度自评" reads one's own back, "本季度未自评名单" lists who has not submitted. A sentence without the colon
// ("季度自评怎么写", "自评报告明天交") is not a submission and is left to the others.

export type SelfEvaluationCommand =
  | { kind: 'submit'; text: string }
  | { kind: 'submit_for'; name: string; text: string }
  | { kind: 'mine' }
  | { kind: 'missing' };

const ASK = '[？?。]?$';
const SUBMIT = /^(?:本)?季度(?:个人)?自评\s*[：:]([\s\S]*)$/u;
const SUBMIT_FOR = /^代\s*([^\s：:（(]{1,20}?)\s*(?:提交|填报|登记)(?:本)?季度(?:个人)?自评\s*[：:]([\s\S]*)$/u;
const MINE = new RegExp(`^(?:查看|查询)?我的(?:本)?季度自评${ASK}`, 'u');
const MISSING = new RegExp(`^(?:查看|查询)?本季度(?:未|没有|尚未)(?:提交)?(?:季度)?自评(?:的)?(?:党员)?(?:名单|人员)${ASK}`, 'u');

/** The command the text is, or null. */
export function matchSelfEvaluationCommand(raw: string): SelfEvaluationCommand | null {
  const t = raw.trim();
  let m = SUBMIT.exec(t);
  if (m) return { kind: 'submit', text: m[1]!.trim() };
  m = SUBMIT_FOR.exec(t);
  if (m) return { kind: 'submit_for', name: m[1]!, text: m[2]!.trim() };
  if (MINE.test(t)) return { kind: 'mine' };
  if (MISSING.test(t)) return { kind: 'missing' };
  return null;
}
