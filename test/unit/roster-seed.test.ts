import { describe, expect, it } from 'vitest';
import { isLeadingCadre } from '../../src/domain/roster.ts';
import { entriesToCsv } from '../../src/roster/export.ts';
import { decodeText, parseCsv } from '../../src/roster/files.ts';
import { parseRoster } from '../../src/roster/parse.ts';
import { chineseNumber } from '../../src/roster/demo-names.ts';
import { generateDemoRoster, README_BRANCH, README_PEOPLE, README_WRITERS } from '../../src/roster/seed-demo.ts';

const TODAY = '2026-11-26';
const demo = generateDemoRoster({ members: 400, seed: 7, today: TODAY });
const e = demo.entries;

describe('generateDemoRoster', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateDemoRoster({ members: 400, seed: 7, today: TODAY })).toEqual(demo);
    expect(generateDemoRoster({ members: 400, seed: 8, today: TODAY }).entries).not.toEqual(e);
  });

  it('gives everyone with a 账号 the same 钉钉账号 (issue 15: a university where everyone has both)', () => {
    expect(e.filter((x) => x.userid !== null).length).toBeGreaterThan(350);
    for (const x of e) expect(x.dingtalkUserid, x.name).toBe(x.userid);
    expect(e.find((x) => x.userid === 'huanglihua01')?.dingtalkUserid).toBe('huanglihua01');
  });

  it('refuses a roster too small to staff every branch', () => {
    expect(() => generateDemoRoster({ members: 20, seed: 1, today: TODAY })).toThrow(RangeError);
  });

  it('builds a committee of 8 to 20 general branches, each with branches and secretaries', () => {
    const gbs = new Set(e.map((x) => x.generalBranch));
    expect(gbs.size).toBeGreaterThanOrEqual(8);
    expect(gbs.size).toBeLessThanOrEqual(20);
    expect([...gbs].every((g) => g.endsWith('党总支'))).toBe(true);
    const branches = new Set(e.map((x) => `${x.generalBranch}/${x.branch}`));
    for (const b of branches) {
      expect(e.some((x) => `${x.generalBranch}/${x.branch}` === b && x.roles.includes('branch_secretary')), b).toBe(true);
    }
    for (const g of gbs) {
      expect(e.filter((x) => x.generalBranch === g && x.roles.includes('gb_secretary')), g).toHaveLength(1);
      expect(e.some((x) => x.linkedGeneralBranches.includes(g)), `${g} linked`).toBe(true);
    }
    expect(e.filter((x) => x.roles.includes('committee_secretary'))).toHaveLength(1);
    expect(e.filter((x) => x.roles.includes('od_staff')).length).toBeGreaterThanOrEqual(1);
    expect(e.filter((x) => x.roles.includes('committee_member')).length).toBeGreaterThanOrEqual(3);
  });

  it('has the names that make matching hard', () => {
    const names = e.map((x) => x.name);
    for (const n of ['王芳', '王芳芳', '高兴', '李娜', '李娜娜']) expect(names, n).toContain(n);
    const zhangweiGbs = new Set(e.filter((x) => x.name === '张伟').map((x) => x.generalBranch));
    expect(zhangweiGbs.size).toBeGreaterThanOrEqual(2);
  });

  it('spreads dates over decades, with 29 February, probationers and political birthdays today', () => {
    const joinYears = e.map((x) => Number(x.joinDate.slice(0, 4)));
    expect(Math.min(...joinYears)).toBeLessThan(1990);
    expect(Math.max(...joinYears)).toBeGreaterThanOrEqual(2025);
    expect(e.some((x) => x.joinDate.endsWith('-02-29'))).toBe(true);
    expect(e.filter((x) => x.joinDate.slice(5) === TODAY.slice(5)).length).toBeGreaterThanOrEqual(3);
    expect(e.some((x) => x.fullMemberDate === null)).toBe(true);
    expect(e.some((x) => isLeadingCadre(x.cadreLevel))).toBe(true);
    for (const x of e) {
      expect(x.joinDate <= TODAY && (x.birthDate ?? '') < x.joinDate, x.name).toBe(true);
      if (x.fullMemberDate) expect(x.fullMemberDate > x.joinDate).toBe(true);
    }
  });

  it('puts political birthdays on a leap day when today is 29 February', () => {
    const leap = generateDemoRoster({ members: 200, seed: 3, today: '2028-02-29' });
    const today = leap.entries.filter((x) => x.joinDate.endsWith('-02-29'));
    expect(today.length).toBeGreaterThanOrEqual(3);
  });

  it('gives ascii demo accounts, unique, like zhangwei01', () => {
    const ids = e.flatMap((x) => (x.userid ? [x.userid] : []));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+\d{2,}$/);
    expect(ids).toContain('wangfang01');
  });

  // The README's demo: the default seed and size (seed-demo's defaults).
  const readme = generateDemoRoster({ members: 300, seed: '1', today: TODAY });

  it('places the README\'s people and writers in README_BRANCH, each README name one person where the README needs it', () => {
    const e = readme.entries;
    const inBranch = e.filter((x) => x.generalBranch === README_BRANCH.generalBranch && x.branch === README_BRANCH.branch);
    for (const p of README_PEOPLE) {
      const there = inBranch.filter((x) => x.name === p.name);
      expect(there, p.name).toHaveLength(1);
      expect(there[0]!.roles, p.name).toEqual([]);
      expect(there[0]!.fullMemberDate, p.name).not.toBeNull();
      expect(there[0]!.userid, p.name).toBe(p.account === null ? null : `${p.account}01`);
      if (p.cadreLevel) expect(isLeadingCadre(there[0]!.cadreLevel), p.name).toBe(true);
    }
    // Names the OD's commands look up in the whole committee are borne once; the hard names keep their namesakes.
    for (const name of ['欧阳明', '李明', '冯无号', '陈静', '孙浩', '周敏', ...Object.values(README_WRITERS).map((w) => w.name)]) {
      expect(e.filter((x) => x.name === name), name).toHaveLength(1);
    }
    expect(e.filter((x) => x.name === '张伟').length).toBeGreaterThan(1);
    expect(inBranch.find((x) => x.name === README_WRITERS.branchSecretary.name)!.roles).toContain('branch_secretary');
    for (const w of Object.values(README_WRITERS)) expect(e.find((x) => x.name === w.name)!.userid, w.name).toBe(`${w.account}01`);
    // Accounts stay unique when a README account was someone else's first.
    const ids = e.flatMap((x) => (x.userid ? [x.userid] : []));
    expect(new Set(ids).size).toBe(ids.length);
    expect(e.find((x) => x.name === README_WRITERS.gbSecretary.name)).toMatchObject({ generalBranch: README_BRANCH.generalBranch });
    expect(e.find((x) => x.name === README_WRITERS.gbSecretary.name)!.roles).toContain('gb_secretary');
    expect(e.find((x) => x.name === README_WRITERS.od.name)!.roles).toContain('od_staff');
  });

  it('has a small hardship registry: the README\'s four approved, four elsewhere, one waiting in the README\'s GB', () => {
    const demo = readme;
    const inReadme = demo.hardship.filter((h) => h.member.branch === README_BRANCH.branch && h.member.generalBranch === README_BRANCH.generalBranch);
    expect(inReadme.map((h) => [h.member.name, h.status, h.causes])).toEqual([
      ['张伟', 'approved', ['illness']],
      ['王芳', 'approved', ['illness']],
      ['欧阳明', 'approved', ['illness']],
      ['刘洋', 'approved', ['misfortune']],
    ]);
    const elsewhere = demo.hardship.filter((h) => h.member.generalBranch !== README_BRANCH.generalBranch);
    expect(elsewhere.map((h) => h.status)).toEqual(['approved', 'approved', 'approved', 'approved']);
    const pending = demo.hardship.filter((h) => h.status === 'applied');
    expect(pending).toHaveLength(1);
    expect(pending[0]!.member).toMatchObject({ generalBranch: README_BRANCH.generalBranch });
    expect(pending[0]!.member.branch).not.toBe(README_BRANCH.branch);
    // Nobody twice, nobody gone, nobody with a role or a hard name outside the README's own.
    const gone = new Set([...demo.deceased, ...demo.transferredOut].map((x) => x.userid));
    const people = demo.hardship.map((h) => `${h.member.generalBranch}/${h.member.branch}/${h.member.name}`);
    expect(new Set(people).size).toBe(people.length);
    for (const h of demo.hardship) {
      expect(h.member.userid === null || !gone.has(h.member.userid), h.member.name).toBe(true);
      expect(h.appliedOn <= TODAY && (h.decidedOn ?? h.appliedOn) <= TODAY, h.member.name).toBe(true);
      if (h.status === 'approved') expect(h.decidedOn! > h.appliedOn).toBe(true);
    }
  });

  it('writes a CSV the import accepts as is', () => {
    const r = parseRoster(parseCsv(decodeText(entriesToCsv(e))));
    if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 5)));
    expect(r.entries.map(({ row: _row, ...rest }) => rest)).toEqual(e.map(({ row: _row, ...rest }) => rest));
  });
});

describe('chineseNumber', () => {
  it.each([
    [1, '一'],
    [10, '十'],
    [11, '十一'],
    [20, '二十'],
    [21, '二十一'],
    [100, '一百'],
    [105, '一百零五'],
    [110, '一百一十'],
    [1000, '1000'],
  ])('%i → %s', (n, s) => expect(chineseNumber(n)).toBe(s));
});
