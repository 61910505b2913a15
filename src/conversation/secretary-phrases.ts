// How secretaries write these reports (the templates' own wording and the common variants).
import type { BirthdayActivityForm } from '../db/schema.ts';

/** 已开展11月集体政治生日活动, optionally with its form after it: （重温入党誓词）, ：重温入党誓词、寄送贺信. */
export const BIRTHDAY_ACTIVITY =
  /^(?:我们|本支部)?(?:已经?|已)(?:开展|组织|举办|过)了?(?:(?<month>\d{1,2})月(?:份)?的?)?(?<collective>集体)?(?:过)?政治生日(?:活动)?(?:[(（:：,，]?(?<forms>[^()（）]*?)[)）]?)?[。！!.]*$/u;
/** 已寄贺信：冯无号 / 已发短信：冯无号、郑老党员 / 已寄送11月入党纪念贺信：冯无号. */
export const BIRTHDAY_GREETING_SENT =
  /^(?:已经?|已)(?:寄送|寄出|邮寄|寄|发送|发出|发)了?(?:(?<month>\d{1,2})月(?:份)?的?)?(?:政治生日)?(?:的)?(?<what>入党纪念贺信|纪念贺信|贺信|贺卡|入党纪念短信|纪念短信|祝福短信|手机短信|短信)(?:给)?[:：,，]?(?<names>.+?)[。！!.]*$/u;

/** The words of each form (MECHANISM.md "Canonical codes": birthday activity form), longest first. */
const FORM_WORDS: ReadonlyArray<[string, BirthdayActivityForm]> = [
  ['集体过政治生日', 'collective'],
  ['集体政治生日', 'collective'],
  ['重温入党誓词', 'oath'],
  ['重温誓词', 'oath'],
  ['入党誓词', 'oath'],
  ['入党纪念贺信', 'letter'],
  ['纪念贺信', 'letter'],
  ['贺信', 'letter'],
  ['贺卡', 'letter'],
  ['手机短信', 'sms'],
  ['短信', 'sms'],
];

/** The forms named in `text`, in canonical order; undefined when it says something that names none. */
export function formsIn(text: string): BirthdayActivityForm[] | undefined {
  const found = new Set<BirthdayActivityForm>();
  let rest = text;
  for (const [word, form] of FORM_WORDS) {
    if (!rest.includes(word)) continue;
    found.add(form);
    rest = rest.split(word).join('、');
  }
  // What is left may only join the forms (寄送、和、活动 …); anything else is not a list of forms.
  if (!/^(?:[、,，;；。.！!和及与并\s]|寄送|寄|发送|发|开展|活动|形式|方式|采取|以|的)*$/u.test(rest)) return undefined;
  return (['collective', 'oath', 'letter', 'sms'] as const).filter((f) => found.has(f));
}

/** Chinese labels of the forms, as the list and the confirmation say them. */
export const FORM_LABELS: Record<BirthdayActivityForm, string> = {
  collective: '集体过政治生日',
  oath: '重温入党誓词',
  letter: '入党纪念贺信',
  sms: '手机短信',
};
