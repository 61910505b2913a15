// The dashboard's figures (issue 16 section 2): what is counted for every branch, how a general branch's and the
// committee's figures are made from their branches' (sums), and what each figure means — stated as a count of
// rows of an export, so the page, the digest, the chat's answer and the CSV download always agree. Pure: the
// rows come from FigureSource (src/dashboard/source.ts).

/** The organisation's date and the periods the figures are counted over. */
export interface FigurePeriod {
  /** YYYY-MM-DD in APP_TIMEZONE. */
  today: string;
  /** The calendar year of today: talk quotas, trigger obligations (by due date), greetings, excellent members. */
  year: number;
  /** YYYY-MM of today: relief due and paid this month. */
  month: string;
  /** 1–4: the quarter whose self-evaluations are counted (the current one). */
  quarter: number;
}

export function periodOf(today: string): FigurePeriod {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return { today, year: y, month: today.slice(0, 7), quarter: Math.floor((m - 1) / 3) + 1 };
}

/**
 * Every figure counted per branch, in display order. Each is a count of export rows in the scope (see
 * FIGURE_DEFINITIONS), so sums over branches are the general branch's and the committee's figures.
 */
export const FIGURE_KEYS = [
  // the roster
  'members',
  'withoutAccount',
  // care (export: obligations, and greetings)
  'talkQuotaDone',
  'talkQuotaOwed',
  'triggerOpen',
  'triggerOverdue',
  'triggerDoneInTime',
  'triggerDoneLate',
  'holidayVisited',
  'holidayOwed',
  'greetingsSent',
  'greetingsFailed',
  'greetingsNoAccount',
  // assistance (sensitive: export hardship, relief)
  'hardshipRegistered',
  'hardshipVerified',
  'hardshipAwaitingVerification',
  'reliefDue',
  'reliefPaid',
  // incentive (export: evaluations, excellent)
  'selfEvaluationsSubmitted',
  'selfEvaluationsExpected',
  'excellentCount',
  // members' voice (export: announcements, suggestions)
  'announcementRecipients',
  'announcementReads',
  'suggestionsAwaiting',
  'suggestionsOverdue',
] as const;

export type FigureKey = (typeof FIGURE_KEYS)[number];
export type Figures = Record<FigureKey, number>;

/** Figures only those who see the organisation's hardship list are shown (access.ts maySeeSensitiveFigures). */
export const SENSITIVE_FIGURES: readonly FigureKey[] = ['hardshipRegistered', 'hardshipVerified', 'hardshipAwaitingVerification', 'reliefDue', 'reliefPaid'];

/** What each figure counts, for the README, the page's notes and the tests that compare with the exports. */
export const FIGURE_DEFINITIONS: Readonly<Record<FigureKey, { zh: string; en: string }>> = {
  // Care figures count each row in the member's CURRENT branch (members.branch_id), as the exports' member_branch.
  members: { zh: '在册党员', en: 'active members whose current branch is the branch (roster)' },
  withoutAccount: { zh: '无企业微信/钉钉', en: 'active members with no chat account (no userid: neither WeCom nor DingTalk)' },
  talkQuotaDone: { zh: '年度谈心已完成', en: 'obligations export rows, source quota, period = the year (due 31 December), state done' },
  talkQuotaOwed: { zh: '年度谈心应完成', en: 'obligations export rows, source quota, period = the year (due 31 December), state not cancelled' },
  triggerOpen: { zh: '事由待办（未逾期）', en: 'obligations export rows, source trigger, state open (not yet due), whatever year they are due in' },
  triggerOverdue: { zh: '事由逾期', en: 'obligations export rows, source trigger, state overdue, whatever year they were due in (a backlog from last year stays until done)' },
  triggerDoneInTime: { zh: '事由按时完成', en: 'obligations export rows, source trigger, due in the year, state done, closed (local date of closed_at) on or before the due date' },
  triggerDoneLate: { zh: '事由逾期完成', en: 'obligations export rows, source trigger, due in the year, state done, closed (local date of closed_at) after the due date' },
  holidayVisited: {
    zh: '最近一次节日走访已走访',
    en: 'obligations export rows, source holiday, period = the latest campaign (of the holiday visit obligations opened on or before today, the period with the latest holiday; one for the whole committee), state done',
  },
  holidayOwed: {
    zh: '最近一次节日走访应走访',
    en: 'obligations export rows, source holiday, period = the latest campaign (as holidayVisited), state not cancelled',
  },
  greetingsSent: { zh: '今年政治生日祝福已发送', en: 'greetings export rows of the year to date (birthday_on from 1 January to today), state sent' },
  greetingsFailed: { zh: '今年政治生日祝福发送失败', en: 'greetings export rows of the year to date, state failed' },
  greetingsNoAccount: { zh: '今年政治生日无账号（需寄贺信或短信）', en: 'greetings export rows of the year to date, state no_account' },
  hardshipRegistered: { zh: '困难党员在册', en: 'hardship export rows, state approved (the registry: only approved entries count as members in hardship)' },
  hardshipVerified: {
    zh: '本轮已核实',
    en: 'hardship export rows, state approved, verified_in = the current round (the latest May or November on or before today: June–October the May round, December–April the November round)',
  },
  hardshipAwaitingVerification: { zh: '本轮待核实', en: 'hardship export rows, state approved, verified_in not the current round' },
  reliefDue: {
    zh: '本月应发放',
    en: 'relief export rows due this month: monthly_subsidy whose term covers the month and that is active or has the month among its payments; emergency_aid approved (awaiting payment) or with a payment this month',
  },
  reliefPaid: { zh: '本月已发放', en: "relief export rows due this month with this month's payment (a subsidy's payment for the month; an aid paid this month)" },
  selfEvaluationsSubmitted: {
    zh: '本季度已自评',
    en: 'evaluations export rows, kind quarterly_self, of the quarter 本季度未自评名单 follows (the open window, else the one that closed last)',
  },
  selfEvaluationsExpected: { zh: '本季度应自评', en: 'active members of the branch, with or without a chat account (as 本季度未自评名单 counts them)' },
  excellentCount: { zh: '年度优秀党员', en: "excellent export rows of the year, list gb, kind excellent_member (the GBs' lists, counted against their caps)" },
  announcementRecipients: { zh: '通报应阅人次', en: 'announcements export rows sent this year: the sum of addressed (per member and announcement)' },
  announcementReads: { zh: '通报已阅人次', en: 'announcements export rows sent this year: the sum of read' },
  suggestionsAwaiting: { zh: '意见建议待答复', en: 'suggestions export rows, state awaiting_reply or overdue (not yet replied)' },
  suggestionsOverdue: { zh: '意见建议逾期未答复', en: 'suggestions export rows, state overdue (awaiting a reply after the due day)' },
};

/** A branch's figures, as FigureSource reads them. */
export interface BranchFigures {
  branchId: string;
  branchName: string;
  generalBranchId: string;
  generalBranchName: string;
  figures: Figures;
}

export const zeroFigures = (): Figures => Object.fromEntries(FIGURE_KEYS.map((k) => [k, 0])) as Figures;

/** The sum of figures (a general branch's from its branches, the committee's from all). */
export function sumFigures(rows: Iterable<Figures>): Figures {
  const out = zeroFigures();
  for (const r of rows) for (const k of FIGURE_KEYS) out[k] += r[k];
  return out;
}

/** A general branch with its branches, and its figures summed. */
export interface GeneralBranchFigures {
  generalBranchId: string;
  generalBranchName: string;
  figures: Figures;
  branches: BranchFigures[];
}

/** Groups branches under their general branches (in the order first seen) and sums each. */
export function rollUp(branches: readonly BranchFigures[]): GeneralBranchFigures[] {
  const byGb = new Map<string, GeneralBranchFigures>();
  for (const b of branches) {
    let gb = byGb.get(b.generalBranchId);
    if (!gb) byGb.set(b.generalBranchId, (gb = { generalBranchId: b.generalBranchId, generalBranchName: b.generalBranchName, figures: zeroFigures(), branches: [] }));
    gb.branches.push(b);
    for (const k of FIGURE_KEYS) gb.figures[k] += b.figures[k];
  }
  return [...byGb.values()];
}

/**
 * The most excellent members a general branch may name in a year: ⌊percent × active members⌋ (MECHANISM:
 * 15%, setting excellent_member_cap_percent). The committee's is the sum of its general branches' caps.
 */
export function excellentCapOf(activeMembers: number, percent: number): number {
  return Math.floor((activeMembers * percent) / 100 + 1e-9);
}

/** done of owed as a whole percentage, or null when nothing is owed. */
export function percentOf(done: number, owed: number): number | null {
  return owed > 0 ? Math.round((done / owed) * 100) : null;
}

/** Open and overdue items in a scope, for digests and the chat's "逾期事项": what someone answers for now. */
export function openItemsOf(f: Figures): { open: number; overdue: number } {
  const quotaLeft = Math.max(0, f.talkQuotaOwed - f.talkQuotaDone);
  const holidayLeft = Math.max(0, f.holidayOwed - f.holidayVisited);
  return {
    open: f.triggerOpen + f.triggerOverdue + quotaLeft + holidayLeft + f.hardshipAwaitingVerification + Math.max(0, f.reliefDue - f.reliefPaid) + f.suggestionsAwaiting,
    overdue: f.triggerOverdue + f.suggestionsOverdue,
  };
}
