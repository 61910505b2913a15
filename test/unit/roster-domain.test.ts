import { describe, expect, it } from 'vitest';
import {
  age,
  CADRE_SCALE,
  cadreRank,
  isLeadingCadre,
  isOldMember,
  partyAge,
  ROLE_LABELS,
  roleFromLabel,
  sortRoles,
  STORED_ROLES,
  yearsSinceJoining,
} from '../../src/domain/roster.ts';
import { completedYears } from '../../src/domain/dates.ts';

describe('partyAge, yearsSinceJoining, age', () => {
  it('counts Party age from the full-membership date, in completed years', () => {
    expect(partyAge('1976-07-01', '2026-06-30')).toBe(49);
    expect(partyAge('1976-07-01', '2026-07-01')).toBe(50);
    expect(partyAge('1976-07-01', '2026-12-31')).toBe(50);
  });

  it('gives no Party age to a probationary member', () => {
    expect(partyAge(null, '2026-11-26')).toBeNull();
  });

  it('completes a year from 29 February on 1 March in common years (ages, thresholds)', () => {
    expect(completedYears('2000-02-29', '2001-02-28')).toBe(0);
    expect(completedYears('2000-02-29', '2001-03-01')).toBe(1);
    expect(completedYears('2000-02-29', '2004-02-29')).toBe(4);
  });

  it('counts the years of a 29 February joiner as the greeting does: on 28 February by default (issue 10.5)', () => {
    // One rule for 入党N周年 (MECHANISM 2.3): the N of the greeting sent on 28 February is the new one.
    expect(yearsSinceJoining('2000-02-29', '2001-02-28')).toBe(1);
    expect(yearsSinceJoining('2000-02-29', '2001-02-28', 'mar1')).toBe(0);
    expect(yearsSinceJoining('2000-02-29', '2001-03-01', 'mar1')).toBe(1);
    expect(yearsSinceJoining('2000-02-29', '2004-02-29')).toBe(4);
  });

  it('computes age and refuses malformed dates', () => {
    expect(age('1946-11-27', '2026-11-26')).toBe(79);
    expect(age('1946-11-26', '2026-11-26')).toBe(80);
    expect(age(null, '2026-11-26')).toBeNull();
    expect(() => age('1946/11/26', '2026-11-26')).toThrow(RangeError);
  });
});

describe('leading cadre (副科级及以上)', () => {
  it.each(['副科', '副科级', '科级', '正科级', '副处级', '副处级干部', '处级', '正处', '县处级', '副厅级', '厅级', '厅局级', '正厅', '副部级', '省部级', ' 正处级 '])(
    '%s is a leading cadre',
    (level) => expect(isLeadingCadre(level)).toBe(true),
  );

  it.each(['科员', '办事员', '', '教授', '副教授', '处长助理', null, undefined])('%s is not', (level) => {
    expect(isLeadingCadre(level)).toBe(false);
  });

  it('reads spellings onto the ordered scale', () => {
    expect(CADRE_SCALE.indexOf('副科')).toBeLessThan(CADRE_SCALE.indexOf('正科'));
    expect(cadreRank('科级')).toBe('正科');
    expect(cadreRank('副县处级')).toBe('副处');
    expect(cadreRank('副处级干部')).toBe('副处');
    expect(cadreRank('副局级')).toBe('副厅');
    expect(cadreRank('高级工程师')).toBeUndefined();
  });
});

describe('old member', () => {
  const t = { partyAge: 50, age: 80 };
  it('is Party age ≥ 50 or age ≥ 80 by default, at the boundary', () => {
    expect(isOldMember({ birthDate: '1960-01-01', fullMemberDate: '1976-11-26' }, '2026-11-26', t)).toBe(true);
    expect(isOldMember({ birthDate: '1960-01-01', fullMemberDate: '1976-11-27' }, '2026-11-26', t)).toBe(false);
    expect(isOldMember({ birthDate: '1946-11-26', fullMemberDate: '2000-01-01' }, '2026-11-26', t)).toBe(true);
    expect(isOldMember({ birthDate: '1946-11-27', fullMemberDate: '2000-01-01' }, '2026-11-26', t)).toBe(false);
  });

  it('uses the thresholds it is given and copes with unknown dates', () => {
    const m = { birthDate: '1950-01-01', fullMemberDate: '1990-01-01' };
    expect(isOldMember(m, '2026-11-26', { partyAge: 30, age: 100 })).toBe(true);
    expect(isOldMember(m, '2026-11-26', { partyAge: 40, age: 77 })).toBe(false);
    expect(isOldMember({ birthDate: null, fullMemberDate: null }, '2026-11-26', t)).toBe(false);
  });
});

describe('role codes and labels', () => {
  it('maps every stored role to its label and back', () => {
    for (const r of STORED_ROLES) expect(roleFromLabel(ROLE_LABELS[r])).toBe(r);
    expect(ROLE_LABELS.member).toBe('党员');
    expect(ROLE_LABELS.od_staff).toBe('组织部');
  });

  it('accepts common variants and codes, and nothing vague', () => {
    expect(roleFromLabel('党支部书记')).toBe('branch_secretary');
    expect(roleFromLabel(' 党委组织部 ')).toBe('od_staff');
    expect(roleFromLabel('gb_member')).toBe('gb_member');
    expect(roleFromLabel('书记')).toBeUndefined();
    expect(roleFromLabel('member')).toBeUndefined();
  });

  it('sorts roles canonically without duplicates', () => {
    expect(sortRoles(['branch_secretary', 'committee_member', 'branch_secretary'])).toEqual(['committee_member', 'branch_secretary']);
  });
});
