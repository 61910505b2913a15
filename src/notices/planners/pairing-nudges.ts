// Pairing contact nudges (结对帮扶, MECHANISM 1.2): a helper with no talk or visit logged with the member they
// help for pairing_nudge_days (default 90) since the later of the pairing's start and the last contact is nudged
// — on working days, once per interval: the notice's period is the interval's nominal day (domain/pairing.ts
// pairingNudge), so the sweep's UNIQUE key sends it once however many days it is planned, the next one comes an
// interval later if there is still no contact, and a contact starts the count again. A helping organisation's
// nudge goes to its secretary (a vacant office passes it up, as every office's notices do).
import { pairingNudge } from '../../domain/pairing.ts';
import { SettingsRepository } from '../../db/settings-repository.ts';
import { PairingRepository } from '../../db/pairing-repository.ts';
import { PAIRING_TEXT } from '../../assistance/pairing-text.ts';
import { OfficeDirectory, type Recipient } from '../offices.ts';
import type { DailyPlanner, PlanContext, PlanDb, PlannedNotice } from '../planner.ts';
import { assertRendered } from '../templates.ts';

export const pairingNudges: DailyPlanner = {
  family: 'pairing_nudges',
  label: '结对帮扶联系提醒',
  plan: planPairingNudges,
};

async function planPairingNudges(db: PlanDb, { date, calendar, late }: PlanContext): Promise<PlannedNotice[]> {
  if (!calendar.isWorkingDay(date)) return [];
  const { pairing_nudge_days: days } = await new SettingsRepository(db).read(['pairing_nudge_days']);
  const due = (await new PairingRepository(db).list()).flatMap((p) => {
    const nudge = pairingNudge({ startedOn: p.started_on, lastContactOn: p.last_contact_on, today: date, days });
    return nudge ? [{ p, nudge }] : [];
  });
  if (due.length === 0) return [];
  const offices = due.some(({ p }) => p.helper_organisation_id !== null) ? await OfficeDirectory.load(db) : undefined;
  const out: PlannedNotice[] = [];
  for (const { p, nudge } of due) {
    const words = { member: p.member_name, place: `${p.general_branch}${p.branch}`, since: nudge.since, lastContact: p.last_contact_on, days: nudge.daysWithout, today: date, late };
    const recipients: Recipient[] =
      p.helper_member_id !== null
        ? p.helper_userid
          ? [{ member_id: p.helper_member_id, userid: p.helper_userid, name: p.helper_member_name ?? '' }]
          : []
        : [...offices!.answering(p.helper_organisation_kind === 'branch' ? 'branch_secretary' : 'gb_secretary', p.helper_organisation_id!).holders];
    for (const r of recipients) {
      if (r.member_id === p.member_id) continue; // nobody is nudged to contact themself
      out.push({
        kind: 'pairing_nudge',
        recipientMemberId: r.member_id,
        recipientUserid: r.userid,
        subject: `pairing-${p.id}`,
        period: nudge.period,
        message: assertRendered(PAIRING_TEXT.nudge({ ...words, to: r.name, forOrganisation: p.helper_member_id === null ? p.helper_organisation_name : null })),
      });
    }
  }
  return out;
}
