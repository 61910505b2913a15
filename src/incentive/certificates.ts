// 光荣在党50年 to the certificate (issue 13 section 6; MECHANISM 2.3 last paragraph, "Who is who": Party age counts
// from the full-membership date). The chat (certificates-conversation.ts), the card buttons and the admin API
// (admin/certificate-routes.ts) all act through here, so all ask the same access rule and write the same rows.
//
// Decisions where the issue is silent (README "光荣在党50年 certificates"):
// - Only the OD confirms eligibility and records the issue (the certificate is the committee's); never about
//   themself. Secretaries see the list of their scope; a plain member is told whom it is for.
// - Recording the issue implies eligibility: the OD's record is the confirmation (the row keeps who and when).
// - The date is required to be today or earlier and in a year in which the Party age reaches 50; the number is
//   optional and unique. No date written: today.
// - Members without a full-membership date are not listed (their Party age cannot be counted); the OD's list
//   names those who joined long enough ago to be 50, to correct the roster.
// - Told: whoever answers for the member's branch secretary office (vacant: up), to arrange the presentation;
//   the member, when they have a chat account, a congratulation. Never the actor.
import type { Kysely, Transaction } from 'kysely';
import { certificateDateProblem, certificateStanding, HONOURED_PARTY_AGE, yearPartyAgeReaches } from '../domain/anniversaries.ts';
import { maySeeCertificate, mayRecordCertificate, recordsCertificates, seesCertificateLists, type AccessPerson, type MemberPlace, type Viewer } from '../domain/access.ts';
import { localDate, type IsoDate } from '../domain/dates.ts';
import { chineseFullDate } from '../domain/format.ts';
import { OFFICE_TITLES } from '../domain/offices.ts';
import { PartyAgeCertificateRepository, type CertificateStandingRow } from '../db/party-age-certificate-repository.ts';
import type { Database } from '../db/schema.ts';
import { OfficeDirectory } from '../notices/offices.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { CERTIFICATE_REFUSAL as R, CERTIFICATE_TEXT as T, congratulation, partyAgeWords, presentationNotice, type CertificateLine } from './certificate-text.ts';

export interface CertificateEnv {
  trx: Transaction<Database>;
  now: Date;
  today: IsoDate;
  timeZone: string;
}

/** Who acts: a person the roster knows (the chat's writer, or the admin API's `actor`). */
export interface CertificateActor {
  memberId: string;
  name: string;
  person: AccessPerson;
}

export interface CertificateNotice {
  recipient: string;
  onceKey: string;
  message: OutboundMessage;
}

export type CertificateRefusal = 'not_allowed' | 'not_found' | 'ambiguous' | 'deceased' | 'not_active' | 'no_full_member_date' | 'too_early' | 'future' | 'already_issued' | 'number_taken' | 'bad_date';

export type CertificateOutcome =
  | { ok: true; member: CertificateStandingRow; reply: string; notices: CertificateNotice[] }
  | { ok: false; code: CertificateRefusal; reply: string };

const refuse = (code: CertificateRefusal, reply: string): CertificateOutcome => ({ ok: false, code, reply });
const placeOf = (r: CertificateStandingRow): MemberPlace => ({ memberId: r.member_id, branchId: r.branch_id, generalBranchId: r.gb_id, committeeId: r.committee_id });

export const lineOf = (r: CertificateStandingRow): CertificateLine => ({
  memberId: r.member_id,
  name: r.name,
  userid: r.userid,
  branch: r.branch,
  generalBranch: r.general_branch,
  fullMemberOn: r.full_member_on!,
  confirmedAt: r.eligibility_confirmed_at,
  confirmedBy: r.eligibility_confirmed_by_name,
});

// Who records and who sees lists: the access rule's (re-exported for the chat and the admin API).
export { recordsCertificates, seesCertificateLists };

export type MemberLookup = { ok: true; row: CertificateStandingRow } | { ok: false; code: 'not_found' | 'ambiguous'; reply: string };

/**
 * A member by name or chat account, among those the actor may record a certificate for (any status, so that a
 * deceased member is refused as such). Nobody the actor may not record for is found: "unknown" and "not yours"
 * read the same.
 */
export async function findMember(env: CertificateEnv, actor: CertificateActor, written: string): Promise<MemberLookup> {
  const rows = await new PartyAgeCertificateRepository(env.trx).named(actor.person.committeeId, written);
  const byAccount = rows.filter((r) => r.userid?.toLowerCase() === written.toLowerCase());
  const mine = (byAccount.length > 0 ? byAccount : rows.filter((r) => r.name === written)).filter((r) => mayRecordCertificate(actor.person, placeOf(r)) || r.member_id === actor.memberId);
  if (mine.length === 0) return { ok: false, code: 'not_found', reply: R.unknown(written) };
  // A namesake who is no longer active does not make an active member ambiguous.
  const active = mine.filter((r) => r.status === 'active');
  const candidates = active.length > 0 ? active : mine;
  if (candidates.length > 1) {
    return { ok: false, code: 'ambiguous', reply: R.ambiguous(written, candidates.map((r) => `${r.name}（${r.general_branch}${r.branch}${r.userid ? `，账号 ${r.userid}` : '，无账号'}）`)) };
  }
  return { ok: true, row: candidates[0]! };
}

/** The checks common to confirming and recording, on the locked row. */
async function lockedForRecording(env: CertificateEnv, actor: CertificateActor, memberId: string): Promise<{ ok: true; row: CertificateStandingRow } | { ok: false; outcome: CertificateOutcome }> {
  const row = await new PartyAgeCertificateRepository(env.trx).lockStanding(memberId);
  if (!row || row.committee_id !== actor.person.committeeId) return { ok: false, outcome: refuse('not_found', T.cardGone) };
  if (row.member_id === actor.memberId) return { ok: false, outcome: refuse('not_allowed', R.self) };
  if (!mayRecordCertificate(actor.person, placeOf(row))) return { ok: false, outcome: refuse('not_allowed', T.onlyOd) };
  if (row.status === 'deceased') return { ok: false, outcome: refuse('deceased', R.deceased(row.name)) };
  if (row.status !== 'active') return { ok: false, outcome: refuse('not_active', R.notActive(row.name)) };
  if (row.issued_on) return { ok: false, outcome: refuse('already_issued', R.alreadyIssued(row.name, row.issued_on, row.certificate_no)) };
  if (!row.full_member_on) return { ok: false, outcome: refuse('no_full_member_date', R.noDate(row.name)) };
  return { ok: true, row };
}

/**
 * Whether the OD may record a certificate for this member this year, before any date is asked (登记颁发 on a card):
 * everything recording checks that no date can change — the member, the actor, deceased or transferred, already
 * issued, no full-membership date, a Party age that does not reach 50 this year.
 */
export async function recordable(env: CertificateEnv, actor: CertificateActor, memberId: string): Promise<{ ok: true; row: CertificateStandingRow } | { ok: false; outcome: CertificateOutcome }> {
  const locked = await lockedForRecording(env, actor, memberId);
  if (!locked.ok) return locked;
  const year = Number(env.today.slice(0, 4));
  const reaches = yearPartyAgeReaches(locked.row.full_member_on!);
  if (reaches > year) return { ok: false, outcome: refuse('too_early', R.tooYoung(locked.row.name, locked.row.full_member_on!, reaches, year)) };
  return locked;
}

/** 确认符合条件: the OD confirms a due member's eligibility (一贯表现良好、为党勤恳奉献). Confirming twice says when it was. */
export async function confirmEligibility(env: CertificateEnv, actor: CertificateActor, memberId: string): Promise<CertificateOutcome> {
  const checked = await recordable(env, actor, memberId);
  if (!checked.ok) return checked.outcome;
  const row = checked.row;
  if (row.eligibility_confirmed_at) {
    return { ok: true, member: row, reply: T.alreadyConfirmed(row.name, row.eligibility_confirmed_by_name, chineseFullDate(localDate(row.eligibility_confirmed_at, env.timeZone))), notices: [] };
  }
  const repo = new PartyAgeCertificateRepository(env.trx);
  await repo.confirm(row.member_id, actor.memberId, env.now);
  return { ok: true, member: (await repo.lockStanding(row.member_id))!, reply: T.confirmed(row.name, partyAgeWords(row.full_member_on!, env.today)), notices: [] };
}

/**
 * 已颁发纪念证书: the OD records the certificate issued on `issuedOn` (today when null) with an optional number.
 * Refused, with the reason, for a date after today, a year before the Party age reaches 50, a certificate already
 * on record, a number already used; eligibility is confirmed with it when nobody had.
 */
export async function recordIssued(env: CertificateEnv, actor: CertificateActor, memberId: string, p: { issuedOn: IsoDate | null; certificateNo: string | null }): Promise<CertificateOutcome> {
  const locked = await lockedForRecording(env, actor, memberId);
  if (!locked.ok) return locked.outcome;
  const row = locked.row;
  const issuedOn = p.issuedOn ?? env.today;
  const problem = certificateDateProblem(row.full_member_on!, issuedOn, env.today);
  if (problem === 'future') return refuse('future', R.future(issuedOn, env.today));
  if (problem === 'too_early') return refuse('too_early', R.tooYoung(row.name, row.full_member_on!, yearPartyAgeReaches(row.full_member_on!), Number(issuedOn.slice(0, 4))));
  const repo = new PartyAgeCertificateRepository(env.trx);
  if (p.certificateNo) {
    const holder = await repo.holderOfNumber(p.certificateNo);
    if (holder) return refuse('number_taken', R.numberTaken(p.certificateNo, holder.name, holder.issued_on));
  }
  const confirmedNow = row.eligibility_confirmed_at === null;
  if (!(await repo.issue(row.member_id, { issuedOn, certificateNo: p.certificateNo, byMemberId: actor.memberId, at: env.now }))) {
    return refuse('already_issued', R.alreadyIssued(row.name, issuedOn, p.certificateNo));
  }
  const { notices, told } = await tellOfIssue(env, actor, row, issuedOn, p.certificateNo);
  const member = (await repo.lockStanding(row.member_id))!;
  return { ok: true, member, reply: T.issued({ name: row.name, issuedOn, certificateNo: p.certificateNo, told, confirmedNow }), notices };
}

/** The branch secretary (vacant: whoever answers for it) arranges the presentation; the member is congratulated. */
async function tellOfIssue(env: CertificateEnv, actor: CertificateActor, row: CertificateStandingRow, issuedOn: IsoDate, certificateNo: string | null): Promise<{ notices: CertificateNotice[]; told: string }> {
  const dir = await OfficeDirectory.load(env.trx);
  const message = presentationNotice({ name: row.name, branch: row.branch, fullMemberOn: row.full_member_on!, today: env.today, issuedOn, certificateNo, hasAccount: row.userid !== null });
  const addressed = dir.addressed('branch_secretary', row.branch_id, message).filter((n) => n.to.member_id !== row.member_id);
  const answering = dir.answering('branch_secretary', row.branch_id);
  const notices: CertificateNotice[] = addressed
    .filter((n) => n.to.member_id !== actor.memberId)
    .map((n) => ({ recipient: n.to.userid, onceKey: `glory-${row.member_id}-present-${n.to.member_id}`, message: n.message }));
  if (row.userid) notices.push({ recipient: row.userid, onceKey: `glory-${row.member_id}-congratulate`, message: congratulation({ name: row.name, fullMemberOn: row.full_member_on!, certificateNo }) });
  const who = addressed.map((n) => n.to.name).join('、');
  const vacant = answering.vacant.length > 0 ? `（${row.branch}暂无${OFFICE_TITLES.branch_secretary}）` : '';
  const told =
    addressed.length === 0
      ? `${row.branch}暂无可通知的支部书记，请直接安排颁发。`
      : addressed.every((n) => n.to.member_id === actor.memberId)
        ? `${vacant}请您安排颁发仪式或送证上门。`
        : `已通知${who}${vacant}安排颁发仪式或送证上门${row.userid ? `，并向${row.name}同志致贺` : ''}。`;
  return { notices, told };
}

/** The members due a certificate that this viewer may see, split into this year's and the backlog, with those the roster cannot place. */
export async function dueFor(env: { db: Kysely<Database>; today: IsoDate }, viewer: Viewer, committeeId: string | undefined) {
  const year = Number(env.today.slice(0, 4));
  const repo = new PartyAgeCertificateRepository(env.db);
  const rows = (await repo.due(year, HONOURED_PARTY_AGE, committeeId)).filter((r) => maySeeCertificate(viewer, placeOf(r)));
  const standing = (r: CertificateStandingRow) => certificateStanding({ fullMemberDate: r.full_member_on, status: r.status, holdsCertificate: r.issued_on !== null }, year);
  return {
    year,
    rows,
    thisYear: rows.filter((r) => standing(r) === 'this_year'),
    backlog: rows.filter((r) => standing(r) === 'backlog'),
  };
}

