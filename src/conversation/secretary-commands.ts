// Reports secretaries make in one message (MECHANISM 1.1, 2.3): a branch's political-birthday activity for the
// month and the form it took (已开展11月集体政治生日活动（重温入党誓词）), the letter or text message sent to a member
// without a chat account (已寄贺信：冯无号). They are answered with a confirmation card whose 撤销 removes them.
// (A general branch's May/November hardship verification, 核实完毕, is assistance/verification-conversation.ts.)
import { politicalBirthdayOn } from '../domain/anniversaries.ts';
import { BirthdayActivityRepository } from '../db/birthday-activity-repository.ts';
import { BranchReportRepository } from '../db/branch-report-repository.ts';
import { OrganisationRepository } from '../db/organisation-repository.ts';
import type { BirthdayActivityForm } from '../db/schema.ts';
import { buttonCard, cardKey, parseCardKey } from '../notices/cards.ts';
import { loadCalendarSettings } from '../notices/settings.ts';
import { BIRTHDAY_ACTIVITY, BIRTHDAY_GREETING_SENT, FORM_LABELS, formsIn } from './secretary-phrases.ts';
import type { ConversationContext, ConversationHandler } from './context.ts';
import { guarded } from './reply-guard.ts';
import type { Reply } from './router.ts';

const text = (content: string) => [{ message: { type: 'text' as const, content } }];

export type SecretaryCommand =
  | { kind: 'birthday_activity'; month: number | undefined; forms: BirthdayActivityForm[]; branch?: string }
  | { kind: 'birthday_greeting_sent'; month: number | undefined; form: 'letter' | 'sms'; names: string[] };

/** Card buttons: 撤销 of a member's letter or text (`bdundom-<yyyymm>-<memberId>…`) and of a branch activity. */
export const BIRTHDAY_UNDO = { members: 'bdundom', branches: 'bdundob' } as const;

/** "研究生第一党支部已开展11月集体政治生日活动": a GB secretary names the branch (its GB's name may lead it). */
const NAMED_BRANCH = /^(?<branch>.{2,60}?党支部)(?<rest>(?:已|我们|本支部).*)$/u;
const NAME_LIST = /[、,，;；\s和及与]+/u;

const validMonth = (m: string | undefined) => {
  const n = m ? Number(m) : undefined;
  return n && n >= 1 && n <= 12 ? n : undefined;
};

/** Pure: which report, if any, a message makes. */
export function matchSecretaryCommand(message: string): SecretaryCommand | undefined {
  const t = message.replace(/\s+/g, '');
  const sent = BIRTHDAY_GREETING_SENT.exec(t);
  if (sent) {
    const names = sent.groups!['names']!.split(NAME_LIST).map((n) => n.replace(/(?:同志|老师)$/u, '')).filter((n) => n.length >= 2);
    if (names.length === 0 || names.some((n) => n.length > 6)) return undefined;
    const form = sent.groups!['what']!.includes('短信') ? 'sms' : 'letter';
    return { kind: 'birthday_greeting_sent', month: validMonth(sent.groups?.['month']), form, names: [...new Set(names)] };
  }
  const named = NAMED_BRANCH.exec(t);
  const b = BIRTHDAY_ACTIVITY.exec(t) ?? (named ? BIRTHDAY_ACTIVITY.exec(named.groups!['rest']!) : null);
  if (b) {
    const written = b.groups?.['forms'] ?? '';
    const forms = written ? formsIn(written) : [];
    if (!forms) return undefined; // 已开展集体政治生日活动，效果很好: more than a report
    // 集体 in the phrase itself, or no form at all: the collective activity (what the month's list asks for).
    const all = new Set<BirthdayActivityForm>(forms);
    if (b.groups?.['collective'] || all.size === 0) all.add('collective');
    const branch = b.input === t ? undefined : named!.groups!['branch']!;
    const ordered = (['collective', 'oath', 'letter', 'sms'] as const).filter((f) => all.has(f));
    return { kind: 'birthday_activity', month: validMonth(b.groups?.['month']), forms: ordered, ...(branch ? { branch } : {}) };
  }
  return undefined;
}

/** "11月" written in January means last November. */
function periodOf(month: number | undefined, today: string): { period: string; month: number } {
  const [year, thisMonth] = today.split('-').map(Number) as [number, number];
  const m = month ?? thisMonth;
  return { period: `${m > thisMonth ? year - 1 : year}-${String(m).padStart(2, '0')}`, month: m };
}

const compactPeriod = (period: string) => period.replace('-', '');
const periodFromKey = (s: string | undefined) => (s && /^\d{6}$/.test(s) ? `${s.slice(0, 4)}-${s.slice(4)}` : undefined);

/** The branches the writer logs for: their own as branch secretary, and every branch of a GB they lead. */
async function loggableBranches(ctx: ConversationContext) {
  const own = ctx.identity!.roles.filter((r) => r.role === 'branch_secretary').map((r) => ({ id: r.organisation.id, name: r.organisation.name, gb: '' }));
  const gbIds = ctx.identity!.roles.filter((r) => r.role === 'gb_secretary').map((r) => r.organisation.id);
  const ofGbs = await new OrganisationRepository(ctx.trx).branchesOf(gbIds);
  return { own, gbIds, ofGbs };
}

export const secretaryCommands: ConversationHandler = guarded(async (ctx) => {
  if (!ctx.identity) return undefined;
  if (ctx.event.kind === 'card_click') return undoClick(ctx, ctx.event.eventKey);
  if (ctx.event.kind !== 'text') return undefined;
  const cmd = matchSecretaryCommand(ctx.event.text);
  if (!cmd) return undefined;
  if (cmd.kind === 'birthday_greeting_sent') return greetingSent(ctx, cmd);
  const reports = new BranchReportRepository(ctx.trx);
  const [year, thisMonth] = ctx.today.split('-').map(Number) as [number, number];

  // A branch secretary logs their own branch; a GB secretary any branch of their GB, named in the message.
  const { own, ofGbs } = await loggableBranches(ctx);
  if (own.length === 0 && ofGbs.length === 0) return text('集体过政治生日活动由支部书记登记。如已开展，请告知本支部书记。');
  let branches = own;
  if (cmd.branch) {
    const all = [...own, ...ofGbs.filter((b) => !own.some((o) => o.id === b.id))];
    branches = all.filter((b) => b.name === cmd.branch || `${b.gb}${b.name}` === cmd.branch);
    if (branches.length === 0) return text(`“${cmd.branch}”不是您负责的党支部，无法登记。您可以登记：${all.map((b) => b.name).join('、')}。`);
    if (branches.length > 1) return text(`有 ${branches.length} 个名为“${cmd.branch}”的党支部，请在支部名前加上党总支名称，例如“${branches[0]!.gb}${branches[0]!.name}已开展……”。`);
  } else if (own.length === 0) {
    const example = ofGbs[0]!.name;
    return text(`请写明是哪个党支部开展的，例如“${example}已开展${cmd.month ?? thisMonth}月集体政治生日活动”。`);
  }
  const { period, month } = periodOf(cmd.month, ctx.today);
  for (const b of branches) {
    await reports.logBirthdayActivity({ organisationId: b.id, period, byMemberId: ctx.identity.memberId, note: '', forms: cmd.forms });
  }
  const names = branches.map((b) => b.name).join('、');
  const what = cmd.forms.includes('collective') ? '集体过政治生日活动' : '政治生日活动';
  return [
    {
      message: buttonCard({
        taskId: `bday-${ctx.eventId}`,
        title: `已登记：${names}${month}月${what}`,
        desc: `${year === Number(period.slice(0, 4)) ? '' : `${period.slice(0, 4)}年`}${month}月 · ${cmd.forms.map((f) => FORM_LABELS[f]).join('、')}`,
        fields: [
          ['党支部', names],
          ['月份', `${period.slice(0, 4)}年${month}月`],
          ['形式', cmd.forms.map((f) => FORM_LABELS[f]).join('、')],
        ],
        note: `本月政治生日提醒不再发送给${branches.length > 1 ? '这些' : '该'}支部。登记有误可点“撤销”。`,
        buttons: [{ text: '撤销', actionKey: cardKey(BIRTHDAY_UNDO.branches, compactPeriod(period), ...branches.map((b) => b.id)), style: 'secondary' }],
      }),
    },
  ];
});

/** 已寄贺信：冯无号 — the members are looked for in the branches the writer logs for, never further. */
async function greetingSent(ctx: ConversationContext, cmd: Extract<SecretaryCommand, { kind: 'birthday_greeting_sent' }>): Promise<Reply[]> {
  const { own, gbIds } = await loggableBranches(ctx);
  if (own.length === 0 && gbIds.length === 0) return text('政治生日贺信、短信由支部书记登记。如已寄送，请告知本支部书记。');
  const repo = new BirthdayActivityRepository(ctx.trx);
  const found = await repo.membersNamed(cmd.names, own.map((b) => b.id), gbIds);
  const missing = cmd.names.filter((n) => !found.some((m) => m.name === n));
  if (missing.length > 0) return text(`您负责的党支部名册中没有${missing.map((n) => `“${n}”`).join('、')}，请核对姓名后重新发送。`);
  const twice = cmd.names.filter((n) => found.filter((m) => m.name === n).length > 1);
  if (twice.length > 0) {
    const where = found.filter((m) => twice.includes(m.name)).map((m) => `${m.name}（${m.branch}）`);
    return text(`${where.join('、')}同名，无法区分。请由其所在支部书记登记。`);
  }
  const { period, month } = periodOf(cmd.month, ctx.today);
  const settings = await loadCalendarSettings(ctx.trx);
  const year = Number(period.slice(0, 4));
  for (const m of found) {
    await repo.logForMember({ memberId: m.id, period, form: cmd.form, branchId: m.branchId, byMemberId: ctx.identity!.memberId, at: ctx.now });
  }
  // A letter logged for a member whose political birthday is in another month is kept, and said so.
  const elsewhere = found.filter((m) => {
    const basis = settings.birthdayBasis === 'full_member_date' ? m.fullMemberDate : m.joinDate;
    return basis !== null && Number(politicalBirthdayOn(basis, year, settings.schedule.leapDayRule).slice(5, 7)) !== month;
  });
  const names = found.map((m) => m.name).join('、');
  const branches = [...new Set(found.map((m) => m.branch))].join('、');
  const label = FORM_LABELS[cmd.form];
  return [
    {
      message: buttonCard({
        taskId: `bdaym-${ctx.eventId}`,
        title: `已登记${label}：${names}`,
        desc: `${month}月政治生日 · ${label}`,
        fields: [
          ['党员', names],
          ['所在支部', branches],
          ['月份', `${year}年${month}月`],
          ['形式', label],
        ],
        note:
          (elsewhere.length > 0 ? `注意：${elsewhere.map((m) => m.name).join('、')}的政治生日不在${month}月，如登记有误请撤销后写明月份，例如“已寄10月贺信：姓名”。` : '') +
          '登记有误可点“撤销”。',
        buttons: [{ text: '撤销', actionKey: cardKey(BIRTHDAY_UNDO.members, compactPeriod(period), ...found.map((m) => m.id)), style: 'secondary' }],
      }),
    },
  ];
}

/** 撤销 on a birthday confirmation card: only what the clicker may log is removed. */
async function undoClick(ctx: ConversationContext, key: string): Promise<Reply[] | undefined> {
  const { action, ids } = parseCardKey(key);
  if (action !== BIRTHDAY_UNDO.members && action !== BIRTHDAY_UNDO.branches) return undefined;
  const [p, ...rest] = ids;
  const period = periodFromKey(p);
  if (!period || rest.length === 0 || !rest.every((id) => /^\d{1,18}$/.test(id))) return text('这个操作已失效。');
  const { own, ofGbs } = await loggableBranches(ctx);
  const mine = new Set([...own, ...ofGbs].map((b) => b.id));
  if (action === BIRTHDAY_UNDO.branches) {
    if (!rest.every((id) => mine.has(id))) return text('这项登记不由您负责，无法撤销。');
    const n = await new BranchReportRepository(ctx.trx).removeBirthdayActivity(rest, period);
    return text(n > 0 ? `已撤销${Number(period.slice(5))}月政治生日活动的登记。` : '这项登记已撤销，无需再操作。');
  }
  // Only logs of members in the clicker's branches: a key can be forged.
  const repo = new BirthdayActivityRepository(ctx.trx);
  const removed = await repo.removeForMembers(rest, period, [...mine]);
  if (removed.length > 0) return text(`已撤销${Number(period.slice(5))}月政治生日贺信、短信的登记（${removed.length}人）。`);
  return text((await repo.countLogged(rest, period)) > 0 ? '这项登记不由您负责，无法撤销。' : '这项登记已撤销，无需再操作。');
}
