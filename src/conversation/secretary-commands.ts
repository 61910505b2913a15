// Reports secretaries make in one message (MECHANISM 1.1, 2.3): a branch's collective political-birthday
// activity for the month, and a general branch's May/November hardship verification.
import { BIRTHDAY_ACTIVITY, HARDSHIP_REVIEWED } from './secretary-phrases.ts';
import type { ConversationHandler } from './context.ts';
import { guarded } from './reply-guard.ts';

const text = (content: string) => [{ message: { type: 'text' as const, content } }];

export type SecretaryCommand = { kind: 'birthday_activity'; month: number | undefined } | { kind: 'hardship_reviewed' };

/** Pure: which report, if any, a message makes. */
export function matchSecretaryCommand(message: string): SecretaryCommand | undefined {
  const t = message.replace(/\s+/g, '');
  const b = BIRTHDAY_ACTIVITY.exec(t);
  if (b) {
    const month = b.groups?.['month'] ? Number(b.groups['month']) : undefined;
    return { kind: 'birthday_activity', month: month && month >= 1 && month <= 12 ? month : undefined };
  }
  if (HARDSHIP_REVIEWED.test(t)) return { kind: 'hardship_reviewed' };
  return undefined;
}

export const secretaryCommands: ConversationHandler = guarded(async (ctx) => {
  if (ctx.event.kind !== 'text' || !ctx.identity) return undefined;
  const cmd = matchSecretaryCommand(ctx.event.text);
  if (!cmd) return undefined;
  const [year, thisMonth] = ctx.today.split('-').map(Number) as [number, number];

  if (cmd.kind === 'birthday_activity') {
    const branches = ctx.identity.roles.filter((r) => r.role === 'branch_secretary');
    if (branches.length === 0) return text('集体过政治生日活动由支部书记登记。如已开展，请告知本支部书记。');
    const month = cmd.month ?? thisMonth;
    // "11月" written in January means last November.
    const period = `${month > thisMonth ? year - 1 : year}-${String(month).padStart(2, '0')}`;
    const names: string[] = [];
    for (const b of branches) {
      await ctx.trx
        .insertInto('birthday_activities')
        .values({ branch_id: b.organisation.id, period, logged_by_member_id: ctx.identity.memberId })
        .onConflict((oc) => oc.columns(['branch_id', 'period']).doNothing())
        .execute();
      names.push(b.organisation.name);
    }
    return text(`已登记：${names.join('、')}${month}月集体过政治生日活动。`);
  }

  const gbs = ctx.identity.roles.filter((r) => r.role === 'gb_secretary');
  if (gbs.length === 0) return text('困难党员核实情况由党总支书记上报。');
  if (thisMonth !== 5 && thisMonth !== 11) return text('生活困难党员核实在每年5月和11月进行，届时我会提醒您上报。');
  const period = `${year}-${String(thisMonth).padStart(2, '0')}`;
  for (const g of gbs) {
    await ctx.trx
      .insertInto('hardship_reviews')
      .values({ general_branch_id: g.organisation.id, period, submitted_by_member_id: ctx.identity.memberId })
      .onConflict((oc) => oc.columns(['general_branch_id', 'period']).doNothing())
      .execute();
  }
  return text(`已登记：${gbs.map((g) => g.organisation.name).join('、')}${thisMonth}月生活困难党员核实已上报。`);
});
