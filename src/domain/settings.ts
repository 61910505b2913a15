// The named settings (MECHANISM "Defaults"): every number the mechanism leaves to the administrator, each with
// its default, what it accepts, and one check used on every write (CLI, admin API) and every read. Pure: the
// storage is db/settings-repository.ts. Settings of parts not built yet are declared too (status 'planned'),
// so their names exist and validate before the code that reads them.
import { SettingError } from '../errors.ts';
import { parseQuietHours } from './quiet-hours.ts';
import { checkHolidaySetting, type HolidaySetting } from './schedule.ts';

interface Accepts {
  en: string;
  zh: string;
}

export interface SettingDefinition<T> {
  default: T;
  /** What it governs, in English (docs, CLI) and in Chinese (for the OD). */
  description: string;
  descriptionZh: string;
  accepts: Accepts;
  /** 'in_use': read by the running code; 'planned': declared for a part of the mechanism not built yet. */
  status: 'in_use' | 'planned';
  /** Read once when a process starts (time zone, quiet hours): a change needs a restart of server and worker. */
  appliesOnRestart?: boolean;
  /** Undefined when valid, else the detail of what is wrong (English; the Chinese is `accepts.zh`). */
  problem(value: unknown): string | undefined;
}

const def = <T>(d: SettingDefinition<T>): SettingDefinition<T> => d;

/** A switch: "on" or "off" (text, as every other coded setting). */
export type OnOff = 'on' | 'off';
const ON_OFF: Record<OnOff, string> = { on: '开启', off: '关闭' };

function wholeNumber(min: number, max: number, unit: { en: string; zh: string }) {
  return {
    accepts: { en: `a whole number of ${unit.en} from ${min} to ${max}`, zh: `${min}至${max}之间的整数（${unit.zh}）` },
    problem: (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? undefined : 'out of range or not a whole number'),
  };
}

function oneOf<T extends string>(values: Record<T, string>) {
  const codes = Object.keys(values) as T[];
  return {
    accepts: {
      en: `one of ${codes.map((c) => JSON.stringify(c)).join(', ')}`,
      zh: codes.map((c) => `"${c}"（${values[c]}）`).join('或'),
    },
    problem: (v: unknown) => (typeof v === 'string' && (codes as string[]).includes(v) ? undefined : 'not one of the accepted codes'),
  };
}

const days = { en: 'days', zh: '天' };
const workingDays = { en: 'working days', zh: '个工作日' };
const months = { en: 'months', zh: '个月' };
const years = { en: 'years', zh: '年' };
const times = { en: 'times', zh: '次' };
const yuan = { en: 'yuan', zh: '元' };

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const SETTINGS = {
  // Care obligations (MECHANISM 2.1, 2.2).
  visit_due_days: def<number>({
    default: 7,
    description: 'Days from a visit trigger (五必访) report to the visit due date (a death apart)',
    descriptionZh: '五必访走访期限（党员本人亡故除外）',
    status: 'in_use',
    ...wholeNumber(1, 90, days),
  }),
  death_visit_due_days: def<number>({
    default: 3,
    description: "Days from the report of a member's death to the condolence visit due date",
    descriptionZh: '党员本人亡故的慰问走访期限',
    status: 'in_use',
    ...wholeNumber(1, 90, days),
  }),
  talk_due_days: def<number>({
    default: 7,
    description: 'Days from a talk trigger (五必谈) report to the talk due date',
    descriptionZh: '五必谈谈心期限',
    status: 'in_use',
    ...wholeNumber(1, 90, days),
  }),
  defer_days: def<number>({
    default: 3,
    description: '延期: days one press of 延期 moves an obligation’s due date',
    descriptionZh: '每次“延期”顺延的天数',
    status: 'in_use',
    ...wholeNumber(1, 30, days),
  }),
  defer_max_count: def<number>({
    default: 2,
    description: '延期: how many times an obligation may be postponed; the next press escalates it as if overdue',
    descriptionZh: '同一事项最多可延期的次数，超过后按逾期督办',
    status: 'in_use',
    ...wholeNumber(0, 10, times),
  }),
  // Holiday visits (MECHANISM 2.1).
  holiday_list_days_before: def<number>({
    default: 14,
    description: 'Days before a visit holiday the branch secretary gets the list of members to visit',
    descriptionZh: '节日慰问名单提前发送的天数',
    status: 'in_use',
    ...wholeNumber(1, 90, days),
  }),
  holiday_reminder_days_before: def<number>({
    default: 3,
    description: 'Days before a visit holiday the reminder of the members not yet visited goes',
    descriptionZh: '节日前提醒尚未走访名单的天数',
    status: 'in_use',
    ...wholeNumber(0, 30, days),
  }),
  extra_holidays: def<readonly HolidaySetting[]>({
    default: [],
    description: 'Visit holidays besides Spring Festival and 1 July: [{id, name, rule: "MM-DD" | "lunar:MM-DD"} | {id, name, date: "YYYY-MM-DD"}]',
    descriptionZh: '春节、七一以外的慰问节日',
    status: 'in_use',
    accepts: {
      en: 'a list of {"id": slug, "name": text, "rule": "MM-DD" or "lunar:MM-DD"} or {"id", "name", "date": "YYYY-MM-DD"}, ids unique',
      zh: '节日列表，每项为 {"id": 英文小写标识, "name": 名称, "rule": "MM-DD" 或 "lunar:MM-DD"}，或以 "date": "YYYY-MM-DD" 指定某一天，id 不得重复',
    },
    problem(v) {
      if (!Array.isArray(v)) return 'not a list';
      const ids = new Set<string>();
      for (const h of v as unknown[]) {
        if (typeof h !== 'object' || h === null || Array.isArray(h)) return 'an entry is not an object';
        const e = h as Record<string, unknown>;
        if (Object.keys(e).some((k) => !['id', 'name', 'rule', 'date'].includes(k))) return `entry ${JSON.stringify(e.id)} has fields other than id, name, rule, date`;
        if (typeof e.id !== 'string' || typeof e.name !== 'string') return 'an entry lacks a text id or name';
        if ((e.rule !== undefined && typeof e.rule !== 'string') || (e.date !== undefined && typeof e.date !== 'string')) return `entry ${JSON.stringify(e.id)}: rule and date are text`;
        try {
          checkHolidaySetting(e as unknown as HolidaySetting);
        } catch (err) {
          return (err as Error).message;
        }
        if (ids.has(e.id)) return `holiday ${JSON.stringify(e.id)} is configured twice`;
        ids.add(e.id);
      }
      return undefined;
    },
  }),
  old_member_party_age: def<number>({
    default: 50,
    description: 'Old member (老党员) for holiday visits: Party age (from the full-membership date) at least this …',
    descriptionZh: '老党员标准：党龄（年）不低于',
    status: 'in_use',
    ...wholeNumber(1, 100, years),
  }),
  old_member_age: def<number>({
    default: 80,
    description: '… or age at least this',
    descriptionZh: '老党员标准：年龄（岁）不低于',
    status: 'in_use',
    ...wholeNumber(1, 120, years),
  }),
  // Political birthday (MECHANISM 2.3).
  political_birthday_basis: def<'join_date' | 'full_member_date'>({
    default: 'join_date',
    description: 'Which date is the political birthday: the join date (入党) or the full-membership date (转正); the greeting names it',
    descriptionZh: '政治生日以入党日期还是转正日期计算（祝福语随之表述为“入党”或“转正”）',
    status: 'in_use',
    ...oneOf({ join_date: '入党日期', full_member_date: '转正日期' }),
  }),
  leap_day_rule: def<'feb28' | 'mar1'>({
    default: 'feb28',
    description: 'A political birthday on 29 February is greeted on 28 February or 1 March in non-leap years',
    descriptionZh: '2月29日的政治生日在平年于2月28日或3月1日祝福',
    status: 'in_use',
    ...oneOf({ feb28: '2月28日', mar1: '3月1日' }),
  }),
  // Every reminder (MECHANISM "Rules for every reminder").
  catch_up_days: def<number>({
    default: 7,
    description: 'Missed days (service down) the sweep catches up when it comes back',
    descriptionZh: '停机后补发的天数',
    status: 'in_use',
    ...wholeNumber(0, 60, days),
  }),
  quiet_hours: def<string>({
    default: '21:00-08:00',
    description: 'No automatic message in this local window ("" switches quiet hours off); replaces QUIET_HOURS when stored',
    descriptionZh: '免打扰时段（此时段内不自动发送消息）',
    status: 'in_use',
    appliesOnRestart: true,
    accepts: { en: 'text "HH:MM-HH:MM" such as "21:00-08:00", or "" for none', zh: '"HH:MM-HH:MM" 格式的时段，如 "21:00-08:00"；空字符串 "" 表示不设免打扰' },
    problem(v) {
      if (typeof v !== 'string') return 'not text';
      try {
        parseQuietHours(v);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  }),
  time_zone: def<string>({
    default: 'Asia/Shanghai',
    description: "The organisation's time zone: dates, 09:00 nudges and quiet hours are local to it; replaces APP_TIMEZONE when stored",
    descriptionZh: '本单位所在时区（日期、每日9点提醒和免打扰时段均按此时区计算）',
    status: 'in_use',
    appliesOnRestart: true,
    accepts: { en: 'an IANA time zone such as "Asia/Shanghai"', zh: 'IANA 时区名称，如 "Asia/Shanghai"' },
    problem: (v) => (typeof v === 'string' && v.trim() !== '' && validTimeZone(v) ? undefined : 'not an IANA time zone'),
  }),
  inbound_retention_days: def<number>({
    default: 180,
    description: 'Days the raw text of inbound messages is kept',
    descriptionZh: '收到的消息原文保留天数',
    status: 'in_use',
    ...wholeNumber(1, 3650, days),
  }),
  // Declared for parts of the mechanism not built yet (MECHANISM 1.1, 1.2, 3.1, 3.3).
  hardship_review_days: def<number>({
    default: 7,
    description: 'Days the GB has to review a hardship registry application (and a member to answer a recommendation)',
    descriptionZh: '党总支审核困难党员申报（及本人确认推荐）的期限',
    status: 'in_use',
    ...wholeNumber(1, 90, days),
  }),
  emergency_aid_gb_opinion_days: def<number>({
    default: 3,
    description: 'Emergency aid: days for the GB’s opinion',
    descriptionZh: '突发困难补助：党总支提出意见的期限',
    status: 'in_use',
    ...wholeNumber(1, 30, days),
  }),
  emergency_aid_od_decision_days: def<number>({
    default: 5,
    description: 'Emergency aid: days for the OD’s decision',
    descriptionZh: '突发困难补助：组织部决定的期限',
    status: 'in_use',
    ...wholeNumber(1, 30, days),
  }),
  emergency_aid_payment_working_days: def<number>({
    default: 10,
    description: 'Emergency aid: working days from application to payment (及时)',
    descriptionZh: '突发困难补助：自申请至发放的期限',
    status: 'in_use',
    ...wholeNumber(1, 60, workingDays),
  }),
  subsidy_term_months: def<number>({
    default: 12,
    description: 'Fixed monthly subsidy: default term',
    descriptionZh: '定额补助默认期限',
    status: 'in_use',
    ...wholeNumber(1, 60, months),
  }),
  subsidy_renewal_months_before: def<number>({
    default: 1,
    description: 'Fixed monthly subsidy: months before the end month the OD is asked to renew or end it',
    descriptionZh: '定额补助到期前询问是否续期的提前月数',
    status: 'in_use',
    ...wholeNumber(0, 12, months),
  }),
  subsidy_budget_yuan: def<number>({
    default: 0,
    description: 'Fixed monthly subsidies: the yearly budget in yuan; the OD is warned when a year’s commitments would pass it (0 = not tracked)',
    descriptionZh: '定额补助年度预算（元）；当年承诺支出将超出时提醒组织部（0表示不跟踪）',
    status: 'in_use',
    ...wholeNumber(0, 1_000_000_000, yuan),
  }),
  pairing_nudge_days: def<number>({
    default: 90,
    description: 'Pairing (结对帮扶): a helper with no contact for this many days is nudged',
    descriptionZh: '结对帮扶：超过此天数未联系即提醒帮扶人',
    status: 'in_use',
    ...wholeNumber(7, 366, days),
  }),
  suggestion_reply_days: def<number>({
    default: 7,
    description: 'Days to reply to a member’s suggestion (意见建议)',
    descriptionZh: '党员意见建议的答复期限',
    status: 'in_use',
    ...wholeNumber(1, 90, days),
  }),
  proposal_answer_days: def<number>({
    default: 30,
    description: 'Days to answer a Party congress delegate’s proposal (提案)',
    descriptionZh: '党代会代表提案的答复期限',
    status: 'in_use',
    ...wholeNumber(1, 180, days),
  }),
  announcement_reminder_days: def<number>({
    default: 3,
    description: 'Days after an announcement those who have not read it are reminded (once)',
    descriptionZh: '党务公开消息发出后提醒未阅读者的天数（提醒一次）',
    status: 'in_use',
    ...wholeNumber(1, 30, days),
  }),
  leadership_evaluation_days: def<number>({
    default: 14,
    description: 'Days the yearly evaluation of the leadership (评议领导班子) stays open',
    descriptionZh: '评议基层党组织领导班子的开放天数',
    status: 'in_use',
    ...wholeNumber(1, 60, days),
  }),
  excellent_member_cap_percent: def<number>({
    default: 15,
    description: 'Excellent members (优秀党员) a GB may name: at most this percent of its active members, rounded down',
    descriptionZh: '党总支评选优秀党员的比例上限（按在册党员数，向下取整）',
    status: 'in_use',
    ...wholeNumber(1, 100, { en: 'percent', zh: '%' }),
  }),
  // The dashboard's digests (issue 16 section 4): each can be switched off.
  dashboard_digest_weekly: def<OnOff>({
    default: 'on',
    description: 'Weekly digest of open and overdue items to GB and branch secretaries (first working day of the week)',
    descriptionZh: '每周工作提示（每周首个工作日发给党总支书记、支部书记）',
    status: 'in_use',
    ...oneOf(ON_OFF),
  }),
  dashboard_digest_monthly: def<OnOff>({
    default: 'on',
    description: 'Monthly digest of the committee’s open and overdue items to the OD (first working day of the month)',
    descriptionZh: '每月工作提示（每月首个工作日发给党委组织部）',
    status: 'in_use',
    ...oneOf(ON_OFF),
  }),
  dashboard_digest_quarterly: def<OnOff>({
    default: 'on',
    description: 'Quarterly digest to the committee secretary (first working day of the quarter)',
    descriptionZh: '每季度工作提示（每季度首个工作日发给党委书记）',
    status: 'in_use',
    ...oneOf(ON_OFF),
  }),
} satisfies Record<string, SettingDefinition<unknown>>;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K]['default'];
export type SettingValues = { [K in SettingKey]: SettingValue<K> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export const isSettingKey = (key: string): key is SettingKey => Object.hasOwn(SETTINGS, key);

/** The key, or a SettingError naming it (Chinese and English) with the keys that exist. */
export function settingKey(key: string): SettingKey {
  if (isSettingKey(key)) return key;
  throw new SettingError(
    'unknown_setting',
    key,
    `没有名为“${key}”的设置项（可用 settings list 查看全部设置项）。 No setting named "${key}"; settings list shows them all.`,
  );
}

/**
 * The value if `key` accepts it, else a SettingError naming the key and what it accepts, in Chinese and English.
 * Used on every write and every read: a value stored by hand that the key does not accept fails loudly.
 */
export function checkSetting<K extends SettingKey>(key: K, value: unknown): SettingValue<K> {
  const d = SETTINGS[key] as SettingDefinition<unknown>;
  const problem = d.problem(value);
  if (problem === undefined) return value as SettingValue<K>;
  const got = JSON.stringify(value) ?? String(value);
  throw new SettingError(
    'invalid_setting',
    key,
    `设置项“${key}”的值无效：应为${d.accepts.zh}（收到 ${got}）。 Setting "${key}" accepts ${d.accepts.en} (got ${got}: ${problem}).`,
  );
}

/** The effective values of `keys`: the stored one (checked) where a row holds it, else the default. */
export function effectiveSettings<K extends SettingKey>(keys: readonly K[], stored: ReadonlyMap<string, unknown>, defaults: Partial<SettingValues> = {}): Pick<SettingValues, K> {
  const out: Partial<SettingValues> = {};
  for (const key of keys) {
    (out as Record<string, unknown>)[key] = stored.has(key) ? checkSetting(key, stored.get(key)) : (defaults[key] ?? SETTINGS[key].default);
  }
  return out as Pick<SettingValues, K>;
}

/** A setting as the CLI and the admin API show it. */
export interface SettingView {
  key: SettingKey;
  /** In force: the stored value, else the default. */
  value: unknown;
  default: unknown;
  /** Whether a row holds a value (set by an administrator or a migration). */
  stored: boolean;
  updatedAt: string | null;
  description: string;
  descriptionZh: string;
  accepts: Accepts;
  status: 'in_use' | 'planned';
  appliesOnRestart: boolean;
}

/** How a setting is shown; `defaults` replaces built-in defaults the environment sets (time zone, quiet hours). */
export function settingView(key: SettingKey, stored: { value: unknown; updatedAt: Date } | undefined, defaults: Partial<SettingValues> = {}): SettingView {
  const d = SETTINGS[key] as SettingDefinition<unknown>;
  const fallback = defaults[key] ?? d.default;
  return {
    key,
    value: stored ? stored.value : fallback,
    default: fallback,
    stored: stored !== undefined,
    updatedAt: stored ? stored.updatedAt.toISOString() : null,
    description: d.description,
    descriptionZh: d.descriptionZh,
    accepts: d.accepts,
    status: d.status,
    appliesOnRestart: d.appliesOnRestart ?? false,
  };
}
