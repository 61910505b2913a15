// Export `certificates` (issue 13 sections 6 and 8): one row per member for the 光荣在党50年 certificate — every
// certificate issued (whatever became of the member since), and every active member due in `today`'s year (Party
// age reaching 50 that year or earlier, counted from the full-membership date) who has none: state `due`, or
// `confirmed` once the OD has confirmed eligibility, or `issued`. People by chat account AND name; instants at the
// organisation's offset. `from`/`to` bound the issue date of issued rows; due and confirmed rows are today's work
// and always exported. Who sees which row: the access rule (maySeeCertificate) — the OD all, a GB's leaders their
// GB, a branch secretary their branch; a plain member only their own row.
import { HONOURED_PARTY_AGE, yearPartyAgeReaches } from '../domain/anniversaries.ts';
import { maySeeCertificate } from '../domain/access.ts';
import { PartyAgeCertificateRepository, type CertificateStandingRow } from '../db/party-age-certificate-repository.ts';
import { isoAt } from '../export/rows.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { IncentiveExporter, IncentiveExportRow, IncentiveExportSettings } from './export-types.ts';

export const CERTIFICATE_COLUMNS = [
  'member_account',
  'member_name',
  'general_branch',
  'branch',
  'full_member_on',
  'party_age_year',
  'state',
  'eligibility_confirmed_at',
  'eligibility_confirmed_by_account',
  'eligibility_confirmed_by_name',
  'issued_on',
  'certificate_no',
  'recorded_by_account',
  'recorded_by_name',
  'recorded_at',
] as const;

export type CertificateState = 'due' | 'confirmed' | 'issued';

const stateOf = (r: CertificateStandingRow): CertificateState => (r.issued_on !== null ? 'issued' : r.eligibility_confirmed_at !== null ? 'confirmed' : 'due');

function rowOf(r: CertificateStandingRow, timeZone: string): IncentiveExportRow {
  return {
    member_account: r.userid ?? '',
    member_name: r.name,
    general_branch: r.general_branch,
    branch: r.branch,
    full_member_on: r.full_member_on,
    party_age_year: r.full_member_on === null ? null : yearPartyAgeReaches(r.full_member_on),
    state: stateOf(r),
    eligibility_confirmed_at: isoAt(r.eligibility_confirmed_at, timeZone),
    eligibility_confirmed_by_account: r.eligibility_confirmed_by_name === null ? null : (r.eligibility_confirmed_by_account ?? ''),
    eligibility_confirmed_by_name: r.eligibility_confirmed_by_name,
    issued_on: r.issued_on,
    certificate_no: r.certificate_no,
    recorded_by_account: r.recorded_by_name === null ? null : (r.recorded_by_account ?? ''),
    recorded_by_name: r.recorded_by_name,
    recorded_at: isoAt(r.recorded_at, timeZone),
  };
}

/** Whether an issued row's date lies in the range (due and confirmed rows always do). */
const inRange = (r: CertificateStandingRow, s: IncentiveExportSettings) =>
  r.issued_on === null || ((s.from === undefined || r.issued_on >= s.from) && (s.to === undefined || r.issued_on <= s.to));

async function* chunks(db: Kysely<Database>, s: IncentiveExportSettings): AsyncGenerator<IncentiveExportRow[]> {
  if (s.today === undefined) throw new RangeError('the certificates export needs today (the organisation date) for the year due');
  const year = Number(s.today.slice(0, 4));
  const repo = new PartyAgeCertificateRepository(db);
  let after = '0';
  for (;;) {
    const rows = await repo.exportChunk(year, HONOURED_PARTY_AGE, after, s.chunkSize);
    if (rows.length === 0) return;
    after = rows.at(-1)!.member_id;
    const visible = rows.filter((r) => inRange(r, s) && maySeeCertificate(s.viewer, { memberId: r.member_id, branchId: r.branch_id, generalBranchId: r.gb_id, committeeId: r.committee_id }));
    if (visible.length > 0) yield visible.map((r) => rowOf(r, s.timeZone));
    if (rows.length < s.chunkSize) return;
  }
}

export const certificatesExporter: IncentiveExporter = { columns: CERTIFICATE_COLUMNS, chunks };
