// The sensitive-data rule (MECHANISM.md "Rules for every reminder"): the member, their branch secretary, their
// general branch's leaders and the OD — nobody else — see sensitive reasons and notes.
import { describe, expect, it } from 'vitest';
import {
  canSeeSensitive,
  isSensitiveReason,
  NON_SENSITIVE_REASONS,
  OD_VIEWER,
  redactFor,
  RESTRICTED_REASON,
  SENSITIVE_REASONS,
  type MemberPlace,
  type Viewer,
  type ViewerRole,
} from '../../src/care/visibility.ts';

// Committee 1; general branches 10 and 20; branches 11, 12 (under 10) and 21 (under 20).
const member: MemberPlace = { memberId: '100', branchId: '11', generalBranchId: '10', committeeId: '1' };
const person = (memberId: string, ...roles: ViewerRole[]): Viewer => ({ kind: 'member', memberId, roles });

describe('canSeeSensitive', () => {
  it('lets the OD (the CLI and admin API) see everything', () => {
    expect(canSeeSensitive(OD_VIEWER, member)).toBe(true);
    expect(canSeeSensitive(person('7', { role: 'od_staff', organisationId: '1' }), member)).toBe(true);
  });

  it('lets the member see their own rows, with no role at all', () => {
    expect(canSeeSensitive(person('100'), member)).toBe(true);
  });

  it("lets the member's own branch secretary see, not another branch's", () => {
    expect(canSeeSensitive(person('5', { role: 'branch_secretary', organisationId: '11' }), member)).toBe(true);
    expect(canSeeSensitive(person('5', { role: 'branch_secretary', organisationId: '12' }), member)).toBe(false);
    expect(canSeeSensitive(person('5', { role: 'branch_secretary', organisationId: '21' }), member)).toBe(false);
  });

  it("lets the member's general branch leaders (secretary, committee members) see, not another GB's", () => {
    expect(canSeeSensitive(person('6', { role: 'gb_secretary', organisationId: '10' }), member)).toBe(true);
    expect(canSeeSensitive(person('6', { role: 'gb_member', organisationId: '10' }), member)).toBe(true);
    expect(canSeeSensitive(person('6', { role: 'gb_secretary', organisationId: '20' }), member)).toBe(false);
    expect(canSeeSensitive(person('6', { role: 'gb_member', organisationId: '20' }), member)).toBe(false);
  });

  it('refuses everyone else: plain members, committee secretary and members, OD staff of another committee', () => {
    expect(canSeeSensitive(person('101'), member)).toBe(false);
    expect(canSeeSensitive(person('2', { role: 'committee_secretary', organisationId: '1' }), member)).toBe(false);
    expect(canSeeSensitive(person('3', { role: 'committee_member', organisationId: '1' }), member)).toBe(false);
    expect(canSeeSensitive(person('7', { role: 'od_staff', organisationId: '99' }), member)).toBe(false);
    // A role's organisation id is compared with the place of the same level only.
    expect(canSeeSensitive(person('8', { role: 'branch_secretary', organisationId: '10' }), member)).toBe(false);
    expect(canSeeSensitive(person('8', { role: 'gb_secretary', organisationId: '11' }), member)).toBe(false);
  });

  it('lets any one matching role of several suffice', () => {
    const v = person('9', { role: 'branch_secretary', organisationId: '21' }, { role: 'gb_member', organisationId: '10' });
    expect(canSeeSensitive(v, member)).toBe(true);
  });
});

describe('sensitive reasons', () => {
  it('treats health, family, hardship, conduct and disputes as sensitive; routine, job_change, holiday not', () => {
    for (const code of ['hospitalised', 'disaster', 'hardship', 'bereavement', 'death', 'setback', 'mistake', 'dispute', 'complaint']) {
      expect(isSensitiveReason(code), code).toBe(true);
      expect(SENSITIVE_REASONS).toContain(code);
    }
    for (const code of ['routine', 'job_change', 'holiday']) expect(isSensitiveReason(code), code).toBe(false);
    expect(NON_SENSITIVE_REASONS.filter((c) => SENSITIVE_REASONS.includes(c))).toEqual([]);
  });

  it('fails closed: a code it does not know is sensitive', () => {
    expect(isSensitiveReason('something_new')).toBe(true);
    expect(isSensitiveReason('')).toBe(true);
  });
});

describe('redactFor', () => {
  const stranger = person('101');
  it('keeps reason and note for an allowed viewer', () => {
    expect(redactFor(person('100'), member, 'hospitalised', '送慰问金500元')).toEqual({ reason: 'hospitalised', note: '送慰问金500元' });
  });

  it('replaces a sensitive reason by restricted and empties the note for others', () => {
    expect(redactFor(stranger, member, 'hospitalised', '送慰问金500元')).toEqual({ reason: RESTRICTED_REASON, note: '' });
    expect(redactFor(stranger, member, 'dispute', '与同事争执')).toEqual({ reason: 'restricted', note: '' });
  });

  it('keeps a non-sensitive reason but still empties the note (free text may say anything)', () => {
    expect(redactFor(stranger, member, 'routine', '谈到家里老人生病')).toEqual({ reason: 'routine', note: '' });
    expect(redactFor(stranger, member, 'holiday', '送慰问金300元')).toEqual({ reason: 'holiday', note: '' });
  });
});
