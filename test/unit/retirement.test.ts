// Issue 9 point 15: who is retired, for the wording of what the bot says (src/domain/retirement.ts).
import { describe, expect, it } from 'vitest';
import { isRetired } from '../../src/domain/retirement.ts';
import { NOTICE_TEMPLATES } from '../../src/notices/templates.ts';

const facts = (over: Partial<Parameters<typeof isRetired>[0]>) => ({
  organisationNames: ['教工第一党支部', '计算机学院党总支'],
  birthDate: null,
  joinDate: '2000-07-01',
  onDate: '2026-11-26',
  ...over,
});

describe('retirement', () => {
  it('members of a 离退休 organisation are retired, whatever their age', () => {
    expect(isRetired(facts({ organisationNames: ['离退休第一党支部', '离退休工作处党总支'], birthDate: '1966-01-01' }))).toBe(true);
    expect(isRetired(facts({ organisationNames: ['退休教职工党支部', '机关党总支'] }))).toBe(true);
  });

  it('elsewhere, 65 or more is retired; a working 58-year-old is not', () => {
    expect(isRetired(facts({ birthDate: '1961-11-26' }))).toBe(true); // 65 today
    expect(isRetired(facts({ birthDate: '1961-11-27' }))).toBe(false); // 64
    expect(isRetired(facts({ birthDate: '1968-03-01' }))).toBe(false);
  });

  it('without a birth date, 47 years since joining means 65 or more', () => {
    expect(isRetired(facts({ joinDate: '1968-06-01' }))).toBe(true); // a 58-year party member
    expect(isRetired(facts({ joinDate: '1985-06-01' }))).toBe(false);
  });
});

describe('the political birthday greeting', () => {
  const greeting = (retired: boolean) =>
    (NOTICE_TEMPLATES.birthdayGreeting({ name: '王建国', years: 58, joinDate: '1968-11-26', branch: '离退休第一党支部', retired, late: false }) as { content: string }).content;

  it('a retiree: 老同志, thanks for what they gave, no post', () => {
    expect(greeting(true)).toContain('王建国老同志：');
    expect(greeting(true)).toContain('感谢您多年来为党的事业作出的贡献');
    expect(greeting(true)).not.toContain('岗位');
  });

  it('a working member: encouraged at their post', () => {
    expect(greeting(false)).toContain('王建国同志：');
    expect(greeting(false)).toContain('立足岗位，继续发挥先锋模范作用');
  });
});
