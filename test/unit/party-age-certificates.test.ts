// 光荣在党50年 (issue 13 section 6), the pure rules: who is due a certificate in a year (reaching 50 that year, or
// the backlog already past it), counted from the full-membership date by calendar year — 29 February included —
// and which issue dates may be recorded.
import { describe, expect, it } from 'vitest';
import { certificateDateProblem, certificateStanding } from '../../src/domain/anniversaries.ts';

const active = (fullMemberDate: string | null, holdsCertificate = false) => ({ fullMemberDate, status: 'active', holdsCertificate });

describe('who is due a 50-year certificate in a year', () => {
  it('Party age reaching 50 during the year: this year, whatever the day', () => {
    expect(certificateStanding(active('1977-01-01'), 2027)).toBe('this_year');
    expect(certificateStanding(active('1977-12-31'), 2027)).toBe('this_year');
    expect(certificateStanding(active('1978-01-01'), 2027)).toBeNull();
  });
  it('a 29 February full-membership date reaches 50 in the year fifty years on, leap or not', () => {
    expect(certificateStanding(active('1976-02-29'), 2026)).toBe('this_year'); // 2026 is a common year
    expect(certificateStanding(active('1976-02-29'), 2025)).toBeNull();
    expect(certificateStanding(active('1980-02-29'), 2030)).toBe('this_year');
  });
  it('already past 50 with no certificate: the backlog; with one: nothing', () => {
    expect(certificateStanding(active('1967-11-26'), 2027)).toBe('backlog');
    expect(certificateStanding(active('1967-11-26', true), 2027)).toBeNull();
    expect(certificateStanding(active('1977-06-01', true), 2027)).toBeNull();
  });
  it('deceased or transferred out, or no full-membership date: not listed', () => {
    expect(certificateStanding({ fullMemberDate: '1960-01-01', status: 'deceased', holdsCertificate: false }, 2027)).toBeNull();
    expect(certificateStanding({ fullMemberDate: '1977-01-01', status: 'transferred_out', holdsCertificate: false }, 2027)).toBeNull();
    expect(certificateStanding(active(null), 2027)).toBeNull();
  });
});

describe('which issue date may be recorded', () => {
  it('today or earlier, in a year in which the Party age reaches 50', () => {
    expect(certificateDateProblem('1977-06-01', '2027-01-04', '2027-01-04')).toBeNull(); // before the day itself, same year
    expect(certificateDateProblem('1977-06-01', '2026-12-31', '2027-01-04')).toBe('too_early');
    expect(certificateDateProblem('1977-06-01', '2027-07-01', '2027-01-04')).toBe('future');
    expect(certificateDateProblem('1967-11-26', '2020-07-01', '2027-01-04')).toBeNull();
    expect(certificateDateProblem('1976-02-29', '2026-02-28', '2026-03-01')).toBeNull();
    expect(certificateDateProblem('1976-02-29', '2025-12-31', '2026-03-01')).toBe('too_early');
  });
});
