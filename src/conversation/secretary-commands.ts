// Reports secretaries make in one message (MECHANISM 1.1, 2.3): a branch's collective political-birthday
// activity for the month, and a general branch's May/November hardship verification.
import { BranchReportRepository } from '../db/branch-report-repository.ts';
import { OrganisationRepository } from '../db/organisation-repository.ts';
import { BIRTHDAY_ACTIVITY, HARDSHIP_REVIEWED } from './secretary-phrases.ts';
import type { ConversationHandler } from './context.ts';
import { guarded } from './reply-guard.ts';

const text = (content: string) => [{ message: { type: 'text' as const, content } }];

export type SecretaryCommand = { kind: 'birthday_activity'; month: number | undefined; branch?: string } | { kind: 'hardship_reviewed' };

/** "研究生第一党支部已开展11月集体政治生日活动": a GB secretary names the branch (its GB's name may lead it). */
const NAMED_BRANCH = /^(?<branch>.{2,60}?党支部)(?<rest>(?:已|我们|本支部).*)$/u;

/** Pure: which report, if any, a message makes. */
export function matchSecretaryCommand(message: string): SecretaryCommand | undefined {
  const t = message.replace(/\s+/g, '');
  const named = NAMED_BRANCH.exec(t);
  const b = BIRTHDAY_ACTIVITY.exec(t) ?? (named ? BIRTHDAY_ACTIVITY.exec(named.groups!['rest']!) : null);
  if (b) {
    const month = b.groups?.['month'] ? Number(b.groups['month']) : undefined;
    const branch = b.input === t ? undefined : named!.groups!['branch']!;
    return { kind: 'birthday_activity', month: month && month >= 1 && month <= 12 ? month : undefined, ...(branch ? { branch } : {}) };
  }
  if (HARDSHIP_REVIEWED.test(t)) return { kind: 'hardship_reviewed' };
  return undefined;
}

export const secretaryCommands: ConversationHandler = guarded(async (ctx) => {
  if (ctx.event.kind !== 'text' || !ctx.identity) return undefined;
  const cmd = matchSecretaryCommand(ctx.event.text);
  if (!cmd) return undefined;
  const reports = new BranchReportRepository(ctx.trx);
  const [year, thisMonth] = ctx.today.split('-').map(Number) as [number, number];

  if (cmd.kind === 'birthday_activity') {
    // A branch secretary logs their own branch; a GB secretary any branch of their GB, named in the message.
    const own = ctx.identity.roles.filter((r) => r.role === 'branch_secretary').map((r) => ({ id: r.organisation.id, name: r.organisation.name, gb: '' }));
    const gbIds = ctx.identity.roles.filter((r) => r.role === 'gb_secretary').map((r) => r.organisation.id);
    const ofGbs = await new OrganisationRepository(ctx.trx).branchesOf(gbIds);
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
    const month = cmd.month ?? thisMonth;
    // "11月" written in January means last November.
    const period = `${month > thisMonth ? year - 1 : year}-${String(month).padStart(2, '0')}`;
    const names: string[] = [];
    for (const b of branches) {
      await reports.logBirthdayActivity({ organisationId: b.id, period, byMemberId: ctx.identity.memberId, note: '' });
      names.push(b.name);
    }
    return text(`已登记：${names.join('、')}${month}月集体过政治生日活动。`);
  }

  const gbs = ctx.identity.roles.filter((r) => r.role === 'gb_secretary');
  if (gbs.length === 0) return text('困难党员核实情况由党总支书记上报。');
  if (thisMonth !== 5 && thisMonth !== 11) return text('生活困难党员核实在每年5月和11月进行，届时我会提醒您上报。');
  const period = `${year}-${String(thisMonth).padStart(2, '0')}`;
  for (const g of gbs) {
    await reports.recordHardshipReview({ organisationId: g.organisation.id, period, byMemberId: ctx.identity.memberId, note: '' });
  }
  return text(`已登记：${gbs.map((g) => g.organisation.name).join('、')}${thisMonth}月生活困难党员核实已上报。`);
});
