// The 光荣在党50年 certificate sentences (issue 13 section 6), pure:
//   "已颁发纪念证书：郑老党员，2027-07-01"            record the certificate issued (date optional: today)
//   "已颁发纪念证书：郑老党员，2027年7月1日，编号2027-015"  … with its number
//   "纪念证书符合条件：郑老党员、冯老"                  confirm eligibility (一贯表现良好、为党勤恳奉献)
//   "纪念证书未颁发名单"                                who is due and has no certificate
// and, after the card's 登记颁发, the reply "2027-07-01，编号2027-015" / "今天" (matchIssueReply). A sentence
// without the colon or the list's words ("纪念证书怎么领", "郑老党员的证书发了吗") is not a command.
import { isoDate, isValidDate, type IsoDate } from '../domain/dates.ts';

export type CertificateCommand =
  | ({ kind: 'record_issued'; name: string } & DateAndNumber)
  | { kind: 'confirm'; names: string[] }
  | { kind: 'due_list' }
  | { kind: 'usage'; of: 'record_issued' | 'confirm' };

const CERT = '(?:[“"]?光荣在党50(?:周)?年[”"]?)?纪念证书';
const RECORD = [new RegExp(`^(?:已颁发|已发放|已颁|颁发了)${CERT}\\s*[：:]([\\s\\S]*)$`), new RegExp(`^${CERT}已(?:颁发|发放)\\s*[：:]([\\s\\S]*)$`)];
const CONFIRM = [new RegExp(`^(?:确认)?${CERT}(?:颁发)?符合条件\\s*[：:]([\\s\\S]*)$`), new RegExp(`^确认符合${CERT}(?:颁发)?条件\\s*[：:]([\\s\\S]*)$`)];
const DUE_LIST = [
  new RegExp(`^(?:查看|查询)?${CERT}未(?:颁发|发放)(?:名单|人员)?[？?。]?$`),
  new RegExp(`^(?:查看|查询)?未(?:颁发|发放)${CERT}(?:的)?(?:名单|人员)[？?。]?$`),
  /^(?:查看|查询)?[“"]?光荣在党50(?:周)?年[”"]?名单[？?。]?$/,
];

const SEP = /[，,、；;\s]+/u;
/** "编号 2027-015" and "编号：2027-015" are one part. */
const joinNumber = (s: string) => s.replace(/(编号|No\.?)\s*[：:]?\s*/giu, '$1');
const NUMBER = /^(?:证书)?(?:编号|No\.?)\s*[：:]?\s*([0-9A-Za-z][0-9A-Za-z\-_/]{0,31})$/iu;
const DATE_FORMS = [/^(\d{4})-(\d{1,2})-(\d{1,2})$/, /^(\d{4})年(\d{1,2})月(\d{1,2})日$/, /^(\d{4})[./](\d{1,2})[./](\d{1,2})$/];
const TODAY = /^(?:今天|今日)$/;

/** A written date: its ISO form, { today }, or null when the text is no date; { invalid } for 2027-02-30. */
function dateOf(token: string): IsoDate | { today: true } | { invalid: string } | null {
  const t = token.replace(/(?:颁发|发放)$/u, '');
  if (TODAY.test(t)) return { today: true };
  for (const re of DATE_FORMS) {
    const m = re.exec(t);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return isValidDate(y, mo, d) ? isoDate(y, mo, d) : { invalid: token };
  }
  return null;
}

/**
 * A date and number as read: `dateWritten` null means today (none written, or 今天); written with `date` null
 * means a date that does not exist (2027-02-30).
 */
export interface DateAndNumber {
  dateWritten: string | null;
  date: IsoDate | null;
  certificateNo: string | null;
}

/** The date and number of "2027-07-01，编号2027-015" (either may be absent); null when a part reads as neither. */
function dateAndNumber(parts: readonly string[]): (DateAndNumber & { anyDate: boolean }) | null {
  let dateWritten: string | null = null;
  let date: IsoDate | null = null;
  let anyDate = false;
  let certificateNo: string | null = null;
  for (const part of parts) {
    const n = NUMBER.exec(part);
    if (n && certificateNo === null) {
      certificateNo = n[1]!;
      continue;
    }
    const d = dateOf(part);
    if (d !== null && !anyDate) {
      anyDate = true;
      if (typeof d === 'string') date = d;
      if (!(typeof d === 'object' && 'today' in d)) dateWritten = part;
      continue;
    }
    return null;
  }
  return { dateWritten, date, certificateNo, anyDate };
}

/** The command the text is, or null. */
export function matchCertificateCommand(raw: string): CertificateCommand | null {
  const t = raw.trim();
  for (const re of DUE_LIST) if (re.test(t)) return { kind: 'due_list' };
  for (const re of RECORD) {
    const m = re.exec(t);
    if (!m) continue;
    const [name = '', ...rest] = joinNumber(m[1]!.trim().replace(/[。.]$/u, '')).split(SEP).filter(Boolean);
    const tail = dateAndNumber(rest);
    if (!name || !tail || dateOf(name) !== null) return { kind: 'usage', of: 'record_issued' };
    return { kind: 'record_issued', name, dateWritten: tail.dateWritten, date: tail.date, certificateNo: tail.certificateNo };
  }
  for (const re of CONFIRM) {
    const m = re.exec(t);
    if (!m) continue;
    const names = m[1]!.trim().replace(/[。.]$/u, '').split(SEP).filter(Boolean);
    return names.length > 0 ? { kind: 'confirm', names } : { kind: 'usage', of: 'confirm' };
  }
  return null;
}

/**
 * The reply to 登记颁发 (请回复颁发日期和编号): a date or 今天, optionally with 编号…; or the number alone (today).
 * Null when the text is something else (left to the rest of the chat).
 */
export function matchIssueReply(raw: string): DateAndNumber | null {
  const parts = joinNumber(raw.trim().replace(/[。.]$/u, '')).split(SEP).filter(Boolean);
  if (parts.length === 0 || parts.length > 2) return null;
  const r = dateAndNumber(parts);
  if (!r || (!r.anyDate && r.certificateNo === null)) return null;
  return { dateWritten: r.dateWritten, date: r.date, certificateNo: r.certificateNo };
}
