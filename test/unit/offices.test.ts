// Issue 11, point 7: an office's notices and obligations pass one level up when it has no holder
// (branch → GB → OD), and say which vacant offices they passed.
import { describe, expect, it } from 'vitest';
import { answeringOffice, officeAbove, type Office } from '../../src/domain/offices.ts';

// Committee c ← GBs g1, g2 ← branches b1 (g1), b2 (g1), b3 (g2).
const PARENT: Record<string, string> = { g1: 'c', g2: 'c', b1: 'g1', b2: 'g1', b3: 'g2' };
const parentOf = (id: string) => PARENT[id];
const holders = (held: Record<string, string[]>) => (o: Office) => held[`${o.role}|${o.organisationId}`] ?? [];

describe('officeAbove', () => {
  it('branch → its GB secretary → the OD of the committee → nothing', () => {
    expect(officeAbove({ role: 'branch_secretary', organisationId: 'b1' }, parentOf)).toEqual({ role: 'gb_secretary', organisationId: 'g1' });
    expect(officeAbove({ role: 'gb_secretary', organisationId: 'g1' }, parentOf)).toEqual({ role: 'od_staff', organisationId: 'c' });
    expect(officeAbove({ role: 'od_staff', organisationId: 'c' }, parentOf)).toBeUndefined();
  });
});

describe('answeringOffice', () => {
  const held = holders({ 'branch_secretary|b1': ['周'], 'gb_secretary|g1': ['孙'], 'od_staff|c': ['赵', '钱'] });

  it('a held office answers for itself', () => {
    expect(answeringOffice({ role: 'branch_secretary', organisationId: 'b1' }, held, parentOf)).toEqual({ office: { role: 'branch_secretary', organisationId: 'b1' }, holders: ['周'], vacant: [] });
  });

  it('a branch without a secretary passes to its GB secretary', () => {
    expect(answeringOffice({ role: 'branch_secretary', organisationId: 'b2' }, held, parentOf)).toEqual({
      office: { role: 'gb_secretary', organisationId: 'g1' },
      holders: ['孙'],
      vacant: [{ role: 'branch_secretary', organisationId: 'b2' }],
    });
  });

  it('a vacant branch of a vacant GB, and a vacant GB, pass to the OD', () => {
    expect(answeringOffice({ role: 'branch_secretary', organisationId: 'b3' }, held, parentOf)).toEqual({
      office: { role: 'od_staff', organisationId: 'c' },
      holders: ['赵', '钱'],
      vacant: [
        { role: 'branch_secretary', organisationId: 'b3' },
        { role: 'gb_secretary', organisationId: 'g2' },
      ],
    });
    expect(answeringOffice({ role: 'gb_secretary', organisationId: 'g2' }, held, parentOf).office).toEqual({ role: 'od_staff', organisationId: 'c' });
  });

  it('with nobody anywhere up the line, nobody', () => {
    expect(answeringOffice({ role: 'branch_secretary', organisationId: 'b3' }, holders({}), parentOf).holders).toEqual([]);
  });
});
