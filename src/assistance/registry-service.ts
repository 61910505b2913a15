// The hardship registry's steps (MECHANISM 1.1), one function each, shared by the chat (registry-conversation.ts)
// and the admin API (admin/assistance-routes.ts): a member's own application, a branch recommendation with the
// member's consent (or, for a member without a chat account, the secretary's attestation), the GB's decision and
// its archiving. Each checks the access rule (domain/access.ts), writes in the caller's transaction, opens and
// closes the step's assistance task, and returns the answer to the actor and the notices for everyone else —
// each with a once-key unique per (entry, step, recipient), so a retry or a second path never tells anyone twice.
import type { Kysely } from 'kysely';
import { canSeeSensitive, mayApprove, viewerOf, type MemberPlace } from '../domain/access.ts';
import type { HardshipCause } from '../domain/assistance.ts';
import { addDays, type IsoDate } from '../domain/dates.ts';
import { officeWords } from '../domain/offices.ts';
import { AssistanceOverviewRepository, type HelperOverview } from '../db/assistance-overview-repository.ts';
import { AssistanceTaskRepository } from '../db/assistance-task-repository.ts';
import { HardshipRegistryRepository, type HardshipEntry } from '../db/hardship-registry-repository.ts';
import { OrganisationRepository } from '../db/organisation-repository.ts';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { accessPersonOf, findMemberById, type RosterIdentity } from '../roster/responsibility.ts';
import { archiveEntry } from './registry.ts';
import { consentCard, NOTICE_TEXT, REGISTRY_TEXT as T, entryStateWords, reviewCard } from './registry-text.ts';

/** A message to someone other than the actor, sent once: `onceKey` is unique per subject, step and recipient. */
export interface RegistryNotice {
  to: string;
  memberId: string;
  onceKey: string;
  message: OutboundMessage;
}

/** A refusal: a stable code and HTTP status for the API, English for its clients, Chinese for the chat. */
export interface RegistryRefusal {
  ok: false;
  code: string;
  status: 400 | 403 | 404 | 409;
  message: string;
  zh: string;
}

export interface RegistryDone {
  ok: true;
  zh: string;
  notices: RegistryNotice[];
  entry: HardshipEntry;
}

export type RegistryOutcome = RegistryDone | RegistryRefusal;

/** Who acts, when, and the transaction the step runs in. */
export interface RegistryActing {
  db: Kysely<Database>;
  actor: RosterIdentity;
  now: Date;
  today: IsoDate;
  timeZone: string;
}

const refuse = (code: string, status: RegistryRefusal['status'], message: string, zh: string): RegistryRefusal => ({ ok: false, code, status, message, zh });

export const placeOf = (e: HardshipEntry): MemberPlace => ({ memberId: e.member_id, branchId: e.branch_id, generalBranchId: e.gb_id, committeeId: e.committee_id });

async function reviewDays(db: Kysely<Database>): Promise<number> {
  return (await new SettingsRepository(db).read(['hardship_review_days'])).hardship_review_days;
}

interface Reachable {
  memberId: string;
  userid: string;
  name: string;
}

/**
 * Whoever answers for an office (MECHANISM "Offices, not only people"): its holders with a chat account, or — when
 * it has none, or only the member the step is about (nobody decides about themself) — the office one level up:
 * branch → GB → OD. `vacant` names what was passed over, for the stand-in's card.
 */
async function answering(db: Kysely<Database>, role: 'branch_secretary' | 'gb_secretary' | 'od_staff', organisationId: string, notMemberId: string): Promise<{ holders: Reachable[]; passedOver: boolean }> {
  const orgs = new OrganisationRepository(db);
  let at: { role: typeof role; org: string } | undefined = { role, org: organisationId };
  let passedOver = false;
  while (at) {
    const holders = (await orgs.holdersOf(at.role, at.org)).filter((h) => h.memberId !== notMemberId);
    if (holders.length > 0) return { holders, passedOver };
    passedOver = true;
    if (at.role === 'od_staff') break;
    const parent = await orgs.parentOf(at.org);
    at = parent ? { role: at.role === 'branch_secretary' ? 'gb_secretary' : 'od_staff', org: parent } : undefined;
  }
  return { holders: [], passedOver };
}

/** The branch secretaries of the member's branch who can be told (not the member, not the actor). */
async function branchSecretaries(db: Kysely<Database>, e: HardshipEntry, actorId: string): Promise<Reachable[]> {
  return (await new OrganisationRepository(db).holdersOf('branch_secretary', e.branch_id)).filter((h) => h.memberId !== e.member_id && h.memberId !== actorId);
}

const toldWords = (told: { member: boolean; branch: boolean }) =>
  told.member && told.branch ? '已告知本人和所在党支部。' : told.member ? '已告知本人。' : told.branch ? '已告知所在党支部（本人无企业微信/钉钉账号，请当面告知）。' : '本人无企业微信/钉钉账号，请当面告知。';

/**
 * An entry goes to the GB (applied): the review task opens, due in hardship_review_days, and whoever answers for
 * the member's GB gets the card — one level up when the GB has no secretary, or when the secretary is the member.
 */
async function sendToReview(a: RegistryActing, entry: HardshipEntry): Promise<{ notices: RegistryNotice[]; dueOn: IsoDate }> {
  const dueOn = addDays(a.today, await reviewDays(a.db));
  await new AssistanceTaskRepository(a.db).open({
    kind: 'hardship_review',
    subjectId: entry.id,
    memberId: entry.member_id,
    ownerRole: 'gb_secretary',
    ownerOrganisationId: entry.gb_id,
    openedOn: a.today,
    dueOn,
    createdAt: a.now,
  });
  const { holders, passedOver } = await answering(a.db, 'gb_secretary', entry.gb_id, entry.member_id);
  const standIn = passedOver ? `${officeWords(entry.general_branch, 'gb_secretary')}空缺或即为${entry.member_name}同志本人，由您代为审核。` : '';
  const notices = holders.map((h) => ({
    to: h.userid,
    memberId: h.memberId,
    onceKey: `hardship-review-${entry.id}-${h.memberId}`,
    message: reviewCard({ entry, recipientMemberId: h.memberId, dueOn, standIn }),
  }));
  return { notices, dueOn };
}

/** The answer when the member already has a live entry: its state, nothing changed. */
function liveEntryRefusal(a: RegistryActing, live: HardshipEntry, own: boolean): RegistryRefusal {
  return refuse('live_entry', 409, `the member already has a ${live.status} registry entry (${live.id})`, `${entryStateWords(live, a.today, own, a.timeZone)}${own ? '' : '本次未作登记。'}`);
}

// ---- own application (个人自愿申报) ----

/** A member applies for themself: applied, source self; the GB reviews. */
export async function applyForHardship(a: RegistryActing, p: { causes: HardshipCause[]; note: string }): Promise<RegistryOutcome> {
  if (p.causes.length === 0) return refuse('no_cause', 400, 'name at least one cause', T.noApplyCause);
  const registry = new HardshipRegistryRepository(a.db);
  const live = await registry.liveEntryOf(a.actor.memberId);
  if (live) return liveEntryRefusal(a, live, true);
  const id = await registry.insert({ memberId: a.actor.memberId, causes: p.causes, source: 'self', status: 'applied', appliedByMemberId: a.actor.memberId, note: p.note, at: a.now });
  if (!id) return liveEntryRefusal(a, (await registry.liveEntryOf(a.actor.memberId))!, true);
  const entry = (await registry.entry(id))!;
  const { notices, dueOn } = await sendToReview(a, entry);
  return { ok: true, zh: T.applied(entry, dueOn, a.today), notices, entry };
}

// ---- branch recommendation with consent (党支部经个人同意后推荐) ----

/**
 * A branch secretary (or the GB / OD standing in) recommends a member: with a chat account the member gets a
 * consent card (awaiting_consent, their own hardship_consent task); without one, the secretary's attestation of
 * consent in the message sends it straight to the GB, recorded as theirs (consent_attested).
 */
export async function recommendForHardship(a: RegistryActing, p: { memberId: string; causes: HardshipCause[]; note: string; attested: boolean }): Promise<RegistryOutcome> {
  const member = await findMemberById(a.db, p.memberId);
  if (member && member.memberId === a.actor.memberId) return refuse('self', 403, 'a member cannot recommend themself; they apply', T.recommendSelf);
  const place: MemberPlace | undefined = member && member.status === 'active' ? { memberId: member.memberId, branchId: member.branch.id, generalBranchId: member.generalBranch.id, committeeId: member.committeeId } : undefined;
  if (!place || !mayApprove(accessPersonOf(a.actor), 'hardship_recommendation', place)) {
    return refuse('not_allowed', 403, 'the actor may not recommend this member (or there is no such member)', T.recommendNotAllowed);
  }
  const name = member!.name;
  if (p.causes.length === 0) return refuse('no_cause', 400, 'name at least one cause', T.noCauseInRecommendation(name));
  const registry = new HardshipRegistryRepository(a.db);
  const live = await registry.liveEntryOf(place.memberId);
  if (live) return liveEntryRefusal(a, live, false);
  const hasAccount = member!.userid !== '';
  if (!hasAccount && !p.attested) {
    return refuse('consent_required', 400, 'the member has no chat account: the recommender must attest their consent (consentAttested)', T.consentRequired(name, p.note || '因病'));
  }
  const id = await registry.insert({
    memberId: place.memberId,
    causes: p.causes,
    source: 'branch',
    status: hasAccount ? 'awaiting_consent' : 'applied',
    appliedByMemberId: a.actor.memberId,
    note: p.note,
    at: a.now,
    ...(hasAccount ? {} : { consent: { byMemberId: a.actor.memberId, attested: true } }),
  });
  if (!id) return liveEntryRefusal(a, (await registry.liveEntryOf(place.memberId))!, false);
  const entry = (await registry.entry(id))!;
  if (!hasAccount) {
    const { notices, dueOn } = await sendToReview(a, entry);
    return { ok: true, zh: T.attestedSent(entry, dueOn, a.today), notices, entry };
  }
  // The member's own step: reminded to them, escalated to their branch secretary (planners/assistance-tasks.ts).
  const dueOn = addDays(a.today, await reviewDays(a.db));
  await new AssistanceTaskRepository(a.db).open({ kind: 'hardship_consent', subjectId: id, memberId: place.memberId, ownerMemberId: place.memberId, openedOn: a.today, dueOn, createdAt: a.now });
  const notices: RegistryNotice[] = [
    { to: member!.userid, memberId: place.memberId, onceKey: `hardship-consent-${id}-${place.memberId}`, message: consentCard({ entry, recommender: a.actor.name, dueOn }) },
  ];
  return { ok: true, zh: T.consentAsked(entry, dueOn, a.today), notices, entry };
}

/**
 * The recommender, when someone else than the actor, still reachable and still allowed to see the member's
 * hardship (issue 12 §5): a secretary who has left the office since recommending is told nothing more.
 */
async function recommender(a: RegistryActing, e: HardshipEntry): Promise<Reachable | undefined> {
  if (!e.applied_by_member_id || e.applied_by_member_id === a.actor.memberId || e.applied_by_member_id === e.member_id) return undefined;
  const who = await findMemberById(a.db, e.applied_by_member_id);
  if (!who || who.status !== 'active' || who.userid === '' || !canSeeSensitive(viewerOf(accessPersonOf(who)), placeOf(e))) return undefined;
  return { memberId: who.memberId, userid: who.userid, name: who.name };
}

/** The member's 同意 / 不同意 on a recommendation: only the member; once. */
export async function answerConsent(a: RegistryActing, p: { entryId: string; agree: boolean }): Promise<RegistryOutcome> {
  const registry = new HardshipRegistryRepository(a.db);
  const entry = await registry.entry(p.entryId, true);
  // A forged key or someone else's card: the same answer as no such recommendation.
  if (!entry || entry.member_id !== a.actor.memberId || entry.source !== 'branch') return refuse('not_found', 404, 'no recommendation awaiting this member\'s consent', T.consentNotFound);
  if (entry.status !== 'awaiting_consent') return refuse('already_answered', 409, `the recommendation is ${entry.status} already`, T.consentDone(entry));
  const tasks = new AssistanceTaskRepository(a.db);
  await tasks.close('hardship_consent', entry.id, 'done', a.now, a.actor.memberId);
  const by = await recommender(a, entry);
  if (p.agree) {
    await registry.consent(entry.id, a.actor.memberId, false, a.now);
    const applied = (await registry.entry(entry.id))!;
    const { notices } = await sendToReview(a, applied);
    if (by) notices.push({ to: by.userid, memberId: by.memberId, onceKey: `hardship-consented-${entry.id}-${by.memberId}`, message: NOTICE_TEXT.consentedToRecommender(applied) });
    return { ok: true, zh: T.consented(applied), notices, entry: applied };
  }
  await registry.decide(entry.id, 'rejected', a.actor.memberId, '本人不同意', a.now, ['awaiting_consent']);
  const rejected = (await registry.entry(entry.id))!;
  const notices: RegistryNotice[] = by ? [{ to: by.userid, memberId: by.memberId, onceKey: `hardship-declined-${entry.id}-${by.memberId}`, message: NOTICE_TEXT.declinedToRecommender(rejected) }] : [];
  return { ok: true, zh: T.declined, notices, entry: rejected };
}

// ---- the GB's review (党总支审核确定) ----

/** The entry, locked, when the actor may review it and it waits for review; else why not. */
export async function reviewableEntry(a: RegistryActing, entryId: string): Promise<{ ok: true; entry: HardshipEntry } | RegistryRefusal> {
  const entry = await new HardshipRegistryRepository(a.db).entry(entryId, true);
  // An entry that does not exist and one the actor may not review read the same (issue 12 §5): a forged card key
  // or API id learns nothing, not even that an entry with that id exists.
  if (!entry || !mayApprove(accessPersonOf(a.actor), 'hardship_review', placeOf(entry))) {
    return refuse('not_allowed', 403, 'the actor may not review this entry (or there is no such entry)', T.reviewNotAllowed);
  }
  if (entry.status !== 'applied') return refuse('already_decided', 409, `the entry is ${entry.status}, not waiting for review`, T.reviewDone(entry, a.today, a.timeZone));
  return { ok: true, entry };
}

/** 通过, or 不通过 with its reason: recorded once, the review task closed, the member and the branch secretary told. */
export async function decideHardship(a: RegistryActing, p: { entryId: string; outcome: 'approved' | 'rejected'; reason: string }): Promise<RegistryOutcome> {
  const reason = p.reason.trim().slice(0, 200);
  if (p.outcome === 'rejected' && reason === '') return refuse('reason_required', 400, 'a rejection needs a reason', T.reasonRequired);
  const ok = await reviewableEntry(a, p.entryId);
  if (!ok.ok) return ok;
  const registry = new HardshipRegistryRepository(a.db);
  await registry.decide(ok.entry.id, p.outcome, a.actor.memberId, p.outcome === 'rejected' ? reason : '', a.now);
  await new AssistanceTaskRepository(a.db).close('hardship_review', ok.entry.id, 'done', a.now, a.actor.memberId);
  const entry = (await registry.entry(ok.entry.id))!;
  const notices: RegistryNotice[] = [];
  if (entry.member_userid && entry.member_id !== a.actor.memberId) {
    notices.push({
      to: entry.member_userid,
      memberId: entry.member_id,
      onceKey: `hardship-decision-${entry.id}-${entry.member_id}`,
      message: p.outcome === 'approved' ? NOTICE_TEXT.approvedToMember(entry) : NOTICE_TEXT.rejectedToMember(entry, reason),
    });
  }
  const branch = await branchSecretaries(a.db, entry, a.actor.memberId);
  for (const s of branch) {
    notices.push({
      to: s.userid,
      memberId: s.memberId,
      onceKey: `hardship-decision-${entry.id}-${s.memberId}`,
      message: p.outcome === 'approved' ? NOTICE_TEXT.approvedToBranch(entry) : NOTICE_TEXT.rejectedToBranch(entry, reason),
    });
  }
  const told = toldWords({ member: entry.member_userid !== null, branch: branch.length > 0 });
  return { ok: true, zh: p.outcome === 'approved' ? T.approvedAck(entry, told) : T.rejectedAck(entry, reason, told), notices, entry };
}

// ---- archiving (the situation improved) ----

/**
 * The GB archives an approved entry with a reason: it leaves every list, its pairings and subsidies end
 * (registry.ts archiveEntry). The member and the branch secretary hear the reason; each helper only that the
 * pairing ended because things improved — a helping organisation through whoever answers for it.
 */
export async function archiveHardship(a: RegistryActing, p: { memberId?: string; entryId?: string; reason: string; writtenName?: string }): Promise<RegistryOutcome> {
  const registry = new HardshipRegistryRepository(a.db);
  const target = p.entryId !== undefined ? await registry.entry(p.entryId, true) : undefined;
  const memberId = p.memberId ?? target?.member_id;
  const member = memberId ? await findMemberById(a.db, memberId) : undefined;
  const place: MemberPlace | undefined = member ? { memberId: member.memberId, branchId: member.branch.id, generalBranchId: member.generalBranch.id, committeeId: member.committeeId } : undefined;
  // Permission first: whether the member has an entry is not told to someone who may not archive it.
  if (!place || !mayApprove(accessPersonOf(a.actor), 'hardship_archive', place)) return refuse('not_allowed', 403, 'the actor may not archive this member\'s entry (or there is no such entry)', T.archiveNotAllowed);
  const name = member!.name;
  const reason = p.reason.trim().slice(0, 200);
  if (reason === '') return refuse('reason_required', 400, 'archiving needs a reason', T.archiveReasonRequired(p.writtenName ?? name));
  const entry = target ?? (await registry.liveEntryOf(place.memberId));
  if (!entry || entry.status !== 'approved') return refuse('not_approved', 409, 'only an approved entry can be archived', T.archiveNotApproved(entry, name, a.today, a.timeZone));
  const done = await archiveEntry(a.db, { entryId: entry.id, byMemberId: a.actor.memberId, reason, now: a.now, today: a.today });
  if (!done.archived) return refuse('not_approved', 409, 'only an approved entry can be archived', T.archiveNotApproved(await registry.entry(entry.id), name, a.today, a.timeZone));
  const archived = done.entry!;
  const notices: RegistryNotice[] = [];
  const once = (to: Reachable, message: OutboundMessage, step: string) => {
    const onceKey = `hardship-archived-${archived.id}-${step}-${to.memberId}`;
    if (to.memberId !== a.actor.memberId && !notices.some((n) => n.onceKey === onceKey)) notices.push({ to: to.userid, memberId: to.memberId, onceKey, message });
  };
  if (archived.member_userid) once({ memberId: archived.member_id, userid: archived.member_userid, name: archived.member_name }, NOTICE_TEXT.archivedToMember(archived, reason), 'member');
  const branch = await branchSecretaries(a.db, archived, a.actor.memberId);
  for (const s of branch) once(s, NOTICE_TEXT.archivedToBranch(archived, reason), 'branch');
  const helpers = await new AssistanceOverviewRepository(a.db).helpersOfPairings(done.endedPairings.map((x) => x.pairing_id));
  for (const h of helpers) for (const [to, org] of await helperRecipients(a.db, h, archived.member_id)) once(to, NOTICE_TEXT.pairingEndedToHelper(archived, org), `pairing${h.pairing_id}`);
  // Says whom it told: the helpers only where pairings ended.
  const helped = done.endedPairings.length > 0 ? '和帮扶人' : '';
  const told = archived.member_userid ? `已告知本人、所在党支部${helped}。` : `已告知所在党支部${helped}（本人无企业微信/钉钉账号，请当面告知）。`;
  return { ok: true, zh: T.archivedAck(archived, reason, done.endedPairings.length, done.endedSubsidies.length, told), notices, entry: archived };
}

const ORG_SECRETARY = { branch: 'branch_secretary', general_branch: 'gb_secretary', committee: 'od_staff' } as const;

/** Who hears for a helper: the member in person, or whoever answers for the helping organisation (with its name). */
async function helperRecipients(db: Kysely<Database>, h: HelperOverview, memberId: string): Promise<Array<[Reachable, string | null]>> {
  if (h.helper_member_id) return h.helper_userid ? [[{ memberId: h.helper_member_id, userid: h.helper_userid, name: h.helper_member_name ?? '' }, null]] : [];
  if (!h.helper_organisation_id || !h.helper_organisation_kind) return [];
  const { holders } = await answering(db, ORG_SECRETARY[h.helper_organisation_kind], h.helper_organisation_id, memberId);
  return holders.map((x) => [x, h.helper_organisation_name]);
}
