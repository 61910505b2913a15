// Reminders and escalations of delegates' proposals (党代会代表提案, MECHANISM 3.1 and "Rules for every reminder"):
// - a registered proposal not yet answered: the assignee — or the OD, for an office outside the roster, a member
//   without a chat account, or a proposal not yet assigned — is reminded 2 days before and on the due day; the OD is
//   told at +3 and +7 days overdue (the next working day) (the OD is the level above every assignee, and nobody is above it here);
//   the delegate is told once, at +3, that the answer is overdue and the OD is following it up;
// - a proposal filed but not yet registered: the OD gets its card again every PROPOSAL_REGISTER_REMIND_DAYS days.
// Each notice once per (kind, person, proposal, step) through the sweep's UNIQUE notices; pushes at 09:00 on working
// days (the step days are working days, and the sweep holds quiet hours).
import { chineseMonthDay as cn } from '../../domain/format.ts';
import { REMINDER_STEP_TITLES, reminderStepsOn, STEP_AUDIENCE } from '../../domain/obligations.ts';
import { proposalTitle, registerReminderOn } from '../../domain/voice.ts';
import { ProposalRepository, type OdHolder, type ProposalRow } from '../../db/proposal-repository.ts';
import { escapeMarkdown as esc } from '../markdown.ts';
import type { DailyPlanner, PlanContext, PlanDb, PlannedNotice } from '../planner.ts';
import { assertRendered, sweepNotice } from '../templates.ts';
import { assigneeWords, registrationCard } from '../../voice/proposals.ts';

export const proposalReminders: DailyPlanner = {
  family: 'proposals',
  label: '党代会代表提案提醒与督办',
  plan: planProposals,
};

async function planProposals(db: PlanDb, { date, calendar, late }: PlanContext): Promise<PlannedNotice[]> {
  const repo = new ProposalRepository(db);
  const open = await repo.open();
  if (open.length === 0) return [];
  const odOf = new Map<string, OdHolder[]>();
  const od = async (committeeId: string) => {
    if (!odOf.has(committeeId)) odOf.set(committeeId, await repo.odHolders(committeeId));
    return odOf.get(committeeId)!;
  };
  const out: PlannedNotice[] = [];
  const push = (kind: string, to: { member_id: string; userid: string }, p: ProposalRow, period: string, message: PlannedNotice['message']) =>
    out.push({ kind, recipientMemberId: to.member_id, recipientUserid: to.userid, subject: `proposal-${p.id}`, period, message: assertRendered(message) });

  for (const p of open) {
    const title = esc(proposalTitle(p.text));
    if (p.state === 'filed') {
      const k = registerReminderOn(p.filed_on, date, calendar);
      if (k === undefined) continue;
      for (const h of await od(p.committee_id)) {
        push('proposal_unregistered', h, p, `unregistered-${k}@${p.filed_on}`, registrationCard(p, h.member_id, k));
      }
      continue;
    }
    if (p.due_on === null || p.registered_on === null) continue;
    for (const step of reminderStepsOn({ dueOn: p.due_on, createdOn: p.registered_on }, date, calendar)) {
      const period = `${step}@${p.due_on}`;
      const who = assigneeWords(p);
      if (STEP_AUDIENCE[step] === 'owner') {
        // The assignee answers in chat; the OD answers for an office, a member without an account, or no assignee yet.
        const personal = p.assignee_member_id !== null && p.assignee_userid !== null;
        const owners = personal ? [{ member_id: p.assignee_member_id!, userid: p.assignee_userid! }] : await od(p.committee_id);
        const what = personal
          ? `请于${cn(p.due_on)}前答复，发送“提案${p.id}答复：……”即可，答复将转告提案人。`
          : who
            ? `由${esc(who)}办理，请督促其于${cn(p.due_on)}前答复，收到后发送“提案${p.id}答复：……”登记。`
            : `尚未交办，请发送“提案${p.id}交由××办理”交办，答复期限${cn(p.due_on)}。`;
        for (const r of owners) {
          push(`proposal_${step}`, r, p, period, sweepNotice(`提案答复提醒：${REMINDER_STEP_TITLES[step]}`, `党代会代表${esc(p.delegate_name)}的提案${p.id}（${title}）${what}`, late));
        }
        continue;
      }
      // Overdue: the OD follows it up (+3 and +7); the delegate hears once that it is overdue and followed up.
      for (const h of await od(p.committee_id)) {
        push(
          `proposal_${step}`,
          h,
          p,
          period,
          sweepNotice(
            `督办：提案答复${REMINDER_STEP_TITLES[step]}`,
            `党代会代表${esc(p.delegate_name)}（${esc(p.gb_name)}${esc(p.branch_name)}）的提案${p.id}（${title}）` +
              `应于${cn(p.due_on)}前${who ? `由${esc(who)}` : ''}答复，目前尚未答复${who ? '' : '（尚未交办）'}，请督促落实。`,
            late,
          ),
        );
      }
      if (step === 'overdue_3' && p.delegate_userid) {
        push('proposal_overdue_delegate', { member_id: p.delegate_member_id, userid: p.delegate_userid }, p, period, {
          type: 'text',
          content: `您的提案${p.id}（${proposalTitle(p.text)}）答复期限为${cn(p.due_on)}，现已逾期，党委组织部正在督办，答复后将第一时间转告您。`,
        });
      }
    }
  }
  return out;
}
