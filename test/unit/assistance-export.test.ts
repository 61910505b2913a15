// The pure parts of the assistance exports (issue 12 section 6): the one request check over every kind, file
// names, months of a subsidy, the CSV cells of causes and payments, and who acts as a pairing's helper.
import { describe, expect, it } from 'vitest';
import { assistanceCsvCell, monthsInclusive, type ReliefPayment } from '../../src/assistance/export.ts';
import { actsAsHelper, helperOrganisationsOf, OD_VIEWER, type Viewer } from '../../src/domain/access.ts';
import type { StoredRole } from '../../src/domain/roster.ts';
import { checkExportRequest, exportFileName, EXPORT_KINDS } from '../../src/export/request.ts';

describe('the one export request check', () => {
  it('knows the care and the assistance kinds and names them all when refusing', () => {
    expect(EXPORT_KINDS).toEqual(['talks', 'visits', 'obligations', 'greetings', 'hardship', 'relief', 'pairings', 'evaluations', 'excellent', 'commendations', 'certificates', 'leadership', 'announcements', 'suggestions', 'proposals']);
    for (const what of EXPORT_KINDS) expect(checkExportRequest({ what, format: 'csv' })).toBeNull();
    expect(checkExportRequest({ what: 'aid' })).toBe('unknown export "aid": choose talks, visits, obligations, greetings, hardship, relief, pairings, evaluations, excellent, commendations, certificates, leadership, announcements, suggestions, proposals');
    // An exporter checks against its own kinds.
    expect(checkExportRequest({ what: 'talks' }, ['hardship', 'relief', 'pairings'])).toBe('unknown export "talks": choose hardship, relief, pairings');
    expect(checkExportRequest({ what: 'relief', format: 'xlsx' })).toBe('format must be csv or json (got "xlsx")');
    expect(checkExportRequest({ what: 'pairings', from: '2027-02-29' })).toBe('from must be a real date as YYYY-MM-DD (got "2027-02-29")');
    expect(checkExportRequest({ what: 'hardship', from: '2026-12-01', to: '2026-11-30' })).toBe('from (2026-12-01) is after to (2026-11-30)');
  });

  it('names files by area, kind, day and format', () => {
    expect(exportFileName('talks', 'csv', '2026-11-26')).toBe('care-talks-2026-11-26.csv');
    expect(exportFileName('relief', 'json', '2026-11-26')).toBe('assistance-relief-2026-11-26.jsonl');
    expect(exportFileName('excellent', 'csv', '2027-01-05')).toBe('incentive-excellent-2027-01-05.csv');
    expect(exportFileName('suggestions', 'csv', '2027-03-01')).toBe('voice-suggestions-2027-03-01.csv');
  });
});

describe('assistance export cells', () => {
  it('counts a subsidy’s months, both ends included', () => {
    expect(monthsInclusive('2027-01', '2027-12')).toBe(12);
    expect(monthsInclusive('2026-11', '2027-02')).toBe(4);
    expect(monthsInclusive('2027-05', '2027-05')).toBe(1);
  });

  it('joins causes with ; and writes payments as month@paid_at@recorded_by (the name without an account)', () => {
    expect(assistanceCsvCell('causes', ['old_age', 'illness'])).toBe('old_age;illness');
    expect(assistanceCsvCell('causes', [])).toBe('');
    const payments: ReliefPayment[] = [
      { month: '2027-01', amount_yuan: '300.50', paid_at: '2027-01-05T10:00:00+08:00', recorded_by: 'zhaozuzhi', recorded_by_name: '赵组织' },
      { month: '2027-02', amount_yuan: '300.50', paid_at: '2027-02-03T11:00:00+08:00', recorded_by: null, recorded_by_name: '冯无号' },
      { month: '2027-03', amount_yuan: '300.50', paid_at: '2027-03-03T11:00:00+08:00', recorded_by: null, recorded_by_name: null },
    ];
    expect(assistanceCsvCell('payments', payments)).toBe('2027-01@2027-01-05T10:00:00+08:00@zhaozuzhi;2027-02@2027-02-03T11:00:00+08:00@冯无号;2027-03@2027-03-03T11:00:00+08:00@');
    expect(assistanceCsvCell('payments', [])).toBe('');
    expect(assistanceCsvCell('consent_attested', true)).toBe('true');
    expect(assistanceCsvCell('months', 12)).toBe('12');
    expect(assistanceCsvCell('approved_yuan', null)).toBeNull();
  });
});

describe('who acts as a pairing’s helper (the access rule)', () => {
  const member = (memberId: string, roles: Array<[StoredRole, string]>): Viewer => ({
    kind: 'member',
    memberId,
    roles: roles.map(([role, organisationId]) => ({ role, organisationId })),
  });

  it('is the helping member in person, or a secretary of the helping branch or general branch', () => {
    const li = member('1', []);
    const branchSecretary = member('2', [['branch_secretary', 'b1']]);
    const gbSecretary = member('3', [['gb_secretary', 'g1']]);
    const gbMember = member('4', [['gb_member', 'g1'], ['unit_leader', 'g1']]);
    expect(actsAsHelper(li, { memberId: '1', organisationId: null })).toBe(true);
    expect(actsAsHelper(li, { memberId: '9', organisationId: null })).toBe(false);
    expect(actsAsHelper(branchSecretary, { memberId: null, organisationId: 'b1' })).toBe(true);
    expect(actsAsHelper(branchSecretary, { memberId: null, organisationId: 'b2' })).toBe(false);
    expect(actsAsHelper(gbSecretary, { memberId: null, organisationId: 'g1' })).toBe(true);
    // Other general-branch leaders do not act for it.
    expect(actsAsHelper(gbMember, { memberId: null, organisationId: 'g1' })).toBe(false);
    expect(helperOrganisationsOf(gbMember)).toEqual([]);
    expect(helperOrganisationsOf(member('5', [['branch_secretary', 'b1'], ['gb_secretary', 'g1'], ['od_staff', 'c1']]))).toEqual(['b1', 'g1']);
    // The OD's tools are no helper (and need not be: they see everything).
    expect(actsAsHelper(OD_VIEWER, { memberId: '1', organisationId: null })).toBe(false);
    expect(helperOrganisationsOf(OD_VIEWER)).toEqual([]);
  });
});
