// Reminders and escalations of members' suggestions awaiting a reply (意见建议, MECHANISM 3.1 and "Rules for every
// reminder"): the addressee is reminded 2 days before and on the due day with the card that replies; one level up
// (a branch secretary's: the GB secretary; everyone else's: the OD) is told when 3 days overdue, the OD when 7 (on
// the next working day: obligations.ts reminderDays) — each once per (suggestion, step) through the sweep's UNIQUE
// notices — and the writer is told once, with the first escalation, that it is overdue and escalated. Pushes at 09:00 on working days, as every sweep notice. An
// anonymous writer is 一名党员 in every one of them: the OD's own tools show the name, not its reminders.
import { addDays } from '../../domain/dates.ts';
import type { WorkingDayCalendar } from '../../domain/calendar.ts';
import { chineseMonthDay as cn, clipText } from '../../domain/format.ts';
import { REMINDER_STEP_TITLES, reminderStepsOn, STEP_AUDIENCE } from '../../domain/obligations.ts';
import { OFFICE_TITLES, officeWords, type Answering, type OfficeRole } from '../../domain/offices.ts';
import { officeOfAddressee, suggestionNumber, suggestionOneUp } from '../../domain/voice.ts';
import { SuggestionRepository, type SuggestionRow } from '../../db/suggestion-repository.ts';
import { addresseeLabel, addresseeMessages, suggestionDatesOf, writerLabel } from '../../voice/suggestions.ts';
import { escapeMarkdown as esc } from '../markdown.ts';
import { OfficeDirectory, type Recipient } from '../offices.ts';
import type { DailyPlanner, PlanContext, PlanDb, PlannedNotice } from '../planner.ts';
import { assertRendered, sweepNotice } from '../templates.ts';

export const suggestions: DailyPlanner = {
  family: 'suggestions',
  label: '意见建议答复提醒与督办',
  plan: async (db: PlanDb, ctx: PlanContext) => {
    const rows = await new SuggestionRepository(db).awaitingDueBetween(addDays(ctx.date, -20), addDays(ctx.date, 12));
    return rows.length === 0 ? [] : planSuggestionNotices(rows, await OfficeDirectory.load(db), ctx);
  },
};

/** What the planner asks of the roster's offices (OfficeDirectory; a test gives its own). */
export interface SuggestionOffices {
  answering(role: OfficeRole, organisationId: string): Answering<Recipient>;
  holdersOf(role: string, organisationId: string): Recipient[];
  nameOf(organisationId: string): string;
}

/** Whoever answers for the addressee today (a vacant office passes up), the writer left out, and what was passed. */
function addresseeRecipients(offices: SuggestionOffices, s: SuggestionRow): { to: readonly Recipient[]; standIn: string } {
  const office = officeOfAddressee(s.addressee_office, s.addressee_organisation_id);
  if (!office && s.addressee_active === false) {
    // The addressed person has left the roster: the OD answers for them (suggestions.ts factsOf) and is reminded.
    const od = offices.answering('od_staff', s.committee_id);
    return { to: od.holders.filter((r) => r.member_id !== s.writer_member_id), standIn: `${s.addressee_name ?? ''}已不在党员名册中，由您代为答复。` };
  }
  if (!office) return { to: s.addressee_userid ? [{ member_id: s.addressee_member_id!, userid: s.addressee_userid, name: s.addressee_name ?? '' }] : [], standIn: '' };
  if (office.role === 'committee_secretary') return { to: offices.holdersOf('committee_secretary', office.organisationId).filter((r) => r.member_id !== s.writer_member_id), standIn: '' };
  const a = offices.answering(office.role, office.organisationId);
  const standIn = a.vacant.length > 0 ? `${a.vacant.map((o) => `${offices.nameOf(o.organisationId)}暂无${OFFICE_TITLES[o.role]}`).join('、')}，由您代为答复。` : '';
  return { to: a.holders.filter((r) => r.member_id !== s.writer_member_id), standIn };
}

/** The notices of the day for the suggestions awaiting a reply. Pure over its arguments. */
export function planSuggestionNotices(rows: readonly SuggestionRow[], offices: SuggestionOffices, ctx: Pick<PlanContext, 'date' | 'late'> & { calendar: WorkingDayCalendar }): PlannedNotice[] {
  const out: PlannedNotice[] = [];
  for (const s of rows) {
    const n = suggestionNumber(s.id);
    // Reminders and escalations never name an anonymous writer: the OD sees the name in its own tools.
    const writer = writerLabel(s, !s.anonymous);
    const subject = `suggestion-${s.id}`;
    for (const step of reminderStepsOn({ dueOn: s.due_on, createdOn: s.filed_on }, ctx.date, ctx.calendar)) {
      const audience = STEP_AUDIENCE[step];
      const period = `${step}@${s.due_on}`;
      if (audience === 'owner') {
        const { to, standIn } = addresseeRecipients(offices, s);
        for (const m of addresseeMessages({ id: s.id, text: s.text, dueOn: s.due_on, writer }, to, `sg-${s.id}-${step}`, `意见建议${REMINDER_STEP_TITLES[step]}：${n}`, standIn)) {
          const r = to.find((x) => x.userid === m.recipient)!;
          out.push({ kind: `suggestion_${step}${m.message.type === 'card' ? '' : '_text'}`, recipientMemberId: r.member_id, recipientUserid: r.userid, subject, period, message: assertRendered(m.message) });
        }
        continue;
      }
      const office = audience === 'one_up' ? suggestionOneUp(suggestionDatesOf(s)) : { role: 'od_staff' as const, organisationId: s.committee_id };
      const up = offices.answering(office.role, office.organisationId);
      const message = sweepNotice(
        `督办：意见建议${REMINDER_STEP_TITLES[step]}（${n}）`,
        `${esc(writer)}于${cn(s.filed_on)}向${esc(addresseeLabel(s))}提出的意见建议应于${cn(s.due_on)}前答复，目前尚未答复，请督促落实。` +
          `\n> ${esc(clipText(s.text, 200))}\n您也可以直接发送“回复${n}：……”答复。`,
        ctx.late,
      );
      for (const r of up.holders) {
        if (r.member_id === s.writer_member_id) continue;
        out.push({ kind: `suggestion_${step}`, recipientMemberId: r.member_id, recipientUserid: r.userid, subject, period, message: assertRendered(message) });
      }
      // The writer is told once, with the first escalation, that it is overdue and who now sees to it.
      if (step === 'overdue_3' && s.writer_userid) {
        const to = officeWords(offices.nameOf(up.office.organisationId), up.office.role);
        out.push({
          kind: 'suggestion_overdue_writer',
          recipientMemberId: s.writer_member_id,
          recipientUserid: s.writer_userid,
          subject,
          period: `overdue@${s.due_on}`,
          message: assertRendered({ type: 'text', content: `您的意见建议（${n}）应于${cn(s.due_on)}前答复，目前已逾期，已报${to}督办。收到答复后会第一时间转给您。` }),
        });
      }
    }
  }
  return out;
}

