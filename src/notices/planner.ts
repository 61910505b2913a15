// What a notice planner is. The calendar (domain/schedule.ts, pure) says which notices are due on a day; a
// planner turns one of them into notices to people — whom, about what, in which words — reading the database
// through NoticePlanRepository. Planners live one family a file in notices/planners/, listed in its index.ts.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { WorkingDayCalendar } from '../domain/calendar.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { Notice, NoticeKind } from '../domain/schedule.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import type { MemberAddresses } from '../services/delivery-route.ts';
import type { BirthdayBasis } from './settings.ts';
import { assertRendered } from './templates.ts';

export type PlanDb = Kysely<Database> | Transaction<Database>;

export interface PlannedNotice {
  kind: string;
  recipientMemberId: string;
  recipientUserid: string;
  /** What the notice is about (a member, a branch, the committee…): part of the UNIQUE key. */
  subject: string;
  period: string;
  message: OutboundMessage;
  /** The recipient's addresses, where the planner read them with the member: the sweep routes without a lookup. */
  addresses?: MemberAddresses;
  /** Remember that this person was asked about these (a reply like “已谈” or “已完成” refers to them). */
  remember?: ReadonlyArray<{ topic: string; ref: string }>;
  /**
   * A personal text (a greeting): sent on its own even when another's is the same word for word (namesakes of one
   * branch who joined on one day), so that its delivery row — whose state the dashboard and exports show — exists
   * from the sweep on, as a batch's rows do not until it is claimed.
   */
  alone?: boolean;
}

export interface PlanContext {
  date: IsoDate;
  late: boolean;
  birthdayBasis: BirthdayBasis;
  /** Days before a holiday the visit list goes out: bounds the window in which a visit counts for it. */
  holidayListDaysBefore: number;
  calendar: WorkingDayCalendar;
  /** The dashboard's address (…/dashboard/) for digests; absent where the server's address is unknown (a dry run). */
  dashboardUrl?: string | undefined;
  /** The organisation's time zone (APP_TIMEZONE), where the sweep knows it: the dashboard's figures count local days. */
  timeZone?: string | undefined;
  /** Members a page, for the families planned in chunks (default 10,000). */
  pageSize?: number | undefined;
}

export type NoticeOf<K extends NoticeKind> = Extract<Notice, { kind: K }>;

/**
 * A family planned in chunks: one whose audience is every member (a million, at the largest) is read page by page
 * and never held whole. Its size comes first, so that the sweep can spread the sending times over the whole day's.
 */
export interface NoticeStream {
  /** How many notices it will yield: a count taken before the chunks are read (the roster may move meanwhile). */
  size(): Promise<number>;
  chunks(): AsyncIterable<PlannedNotice[]>;
  /** The notices themselves, where the family was planned whole (a small one). */
  readonly whole?: readonly PlannedNotice[];
}

/** Plans the calendar's notices of some kinds; each kind is a family of its own (planned and written alone). */
export interface CalendarPlanner<K extends NoticeKind = NoticeKind> {
  /** The kinds it plans, each with its family's Chinese name (the OD reads it if the family fails). */
  readonly kinds: { readonly [P in K]: string };
  plan(db: PlanDb, notice: NoticeOf<K>, ctx: PlanContext): Promise<PlannedNotice[]>;
  /** The kinds whose audience is every member: planned in chunks (plan() collects the same chunks). */
  stream?(db: PlanDb, notice: NoticeOf<K>, ctx: PlanContext): NoticeStream | undefined;
}

/** Every notice of a stream, in one array: for a dry run and tests, never for the sweep's writing. */
export async function collect(stream: NoticeStream): Promise<PlannedNotice[]> {
  const out: PlannedNotice[] = [];
  for await (const chunk of stream.chunks()) for (const n of chunk) out.push(n);
  return out;
}

/** A planned array as a stream of one chunk (the families that are small). */
export function arrayStream(notices: PlannedNotice[]): NoticeStream {
  return {
    whole: notices,
    size: async () => notices.length,
    async *chunks() {
      if (notices.length > 0) yield notices;
    },
  };
}

/** Plans notices the calendar does not describe (obligation reminders): every day, as one family. */
export interface DailyPlanner {
  readonly family: string;
  /** The family's Chinese name (the OD reads it if the family fails). */
  readonly label: string;
  plan(db: PlanDb, ctx: PlanContext): Promise<PlannedNotice[]>;
}

export type NoticePlanner = CalendarPlanner | DailyPlanner;

/**
 * Declares a calendar planner. Its plan sees only the notices of the kinds it names: the sweep hands each notice
 * to the planner registered for its kind, which is why the narrower plan may stand for the general one.
 */
export function calendarPlanner<K extends NoticeKind>(planner: CalendarPlanner<K>): CalendarPlanner {
  return planner as unknown as CalendarPlanner;
}

export function byKey<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/**
 * The same message to each member of a page (a text without per-person fields): one object for all, checked once,
 * so that a page of ten thousand costs ten thousand small records and one text.
 */
export function toSameNotices(kind: string, period: string, members: ReadonlyArray<{ member_id: string; userid: string; dingtalk_userid?: string | null; userid_from_dingtalk?: boolean }>, message: OutboundMessage): PlannedNotice[] {
  return members.map((m) => ({
    kind,
    period,
    recipientMemberId: m.member_id,
    recipientUserid: m.userid,
    subject: `member-${m.member_id}`,
    message,
    ...(m.userid_from_dingtalk === undefined ? {} : { addresses: { userid: m.userid, dingtalkUserid: m.dingtalk_userid ?? null, useridFromDingtalk: m.userid_from_dingtalk } }),
  }));
}

export function toNotices(kind: string, period: string, list: Array<{ to: { member_id: string; userid: string }; subject: string; message: OutboundMessage }>): PlannedNotice[] {
  return list.map((n) => ({ kind, period, recipientMemberId: n.to.member_id, recipientUserid: n.to.userid, subject: n.subject, message: assertRendered(n.message) }));
}
