// seed-demo: a realistic fictional university Party organisation, so the local mode has people to talk as
// (the README's examples among them, with a small hardship registry) and the benchmarks have 100,000 or
// 1,000,000 members. Deterministic for a given seed, member count and
// day (the political birthdays "today" depend on the day). generateDemoRoster is pure, so the import
// benchmark can write the same roster to a file without a database.
import type { Kysely } from 'kysely';
import type { Database, Gender } from '../db/schema.ts';
import type { HardshipCause } from '../domain/assistance.ts';
import { dayNumber, isoOfDayNumber, isValidDate } from '../domain/dates.ts';
import { sortRoles, type StoredRole } from '../domain/roster.ts';
import { ROSTER_COLUMNS } from './columns.ts';
import {
  chineseNumber,
  COMMITTEE_NAME,
  FEMALE_CHARS,
  HARD_NAMES,
  MALE_CHARS,
  OFFICE_BRANCHES,
  SURNAMES,
  UNITS,
  type NamePart,
  type UnitKind,
} from './demo-names.ts';
import { importRosterEntries } from './import.ts';
import type { RosterEntry } from './parse.ts';
import { RosterRepository } from './repository.ts';
import { AssistanceTaskRepository } from '../db/assistance-task-repository.ts';
import { HardshipRegistryRepository } from '../db/hardship-registry-repository.ts';
import { OrganisationRepository } from '../db/organisation-repository.ts';
import { SettingsRepository } from '../db/settings-repository.ts';

export const MIN_DEMO_MEMBERS = 100;

export interface DemoOptions {
  members: number;
  seed: string | number;
  /** The organisation's local date, 'YYYY-MM-DD'. */
  today: string;
}

export interface DemoRoster {
  committeeName: string;
  entries: RosterEntry[];
  outstandingContributors: string[];
  deceased: { userid: string; on: string }[];
  transferredOut: { userid: string; on: string }[];
  /** The registry's entries, seeded after the roster (seedDemo). */
  hardship: DemoHardship[];
}

/** A hardship registry entry of the demo: approved by the member's GB, or still waiting for its review. */
export interface DemoHardship {
  member: { name: string; userid: string | null; generalBranch: string; branch: string };
  causes: HardshipCause[];
  source: 'self' | 'branch';
  status: 'approved' | 'applied';
  note: string;
  appliedOn: string;
  decidedOn: string | null;
}

/** mulberry32: small, fast, good enough for fictional data, and the same on every machine. */
function rng(seed: string | number): () => number {
  let h = 2166136261;
  for (const ch of String(seed)) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- day arithmetic on 'YYYY-MM-DD' with integer day numbers (no Date objects: a million members need
// tens of millions of these). Strings in this form compare like the dates they name. ----
const ymd = (d: string) => [Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10))] as const;
const addDays = (d: string, n: number) => isoOfDayNumber(dayNumber(...ymd(d)) + n);
const isLeap = (y: number) => isValidDate(y, 2, 29);
/** Same month and day n years later; 29 February lands on 1 March in a common year. */
function addYears(d: string, n: number): string {
  const [y, m, day] = ymd(d);
  const year = y + n;
  return isValidDate(year, m, day) ? `${year}${d.slice(4)}` : `${year}-03-01`;
}

type Category = 'staff' | 'graduate' | 'undergraduate' | 'retired';

interface DemoBranch {
  generalBranch: string;
  name: string;
  category: Category;
  members: number[];
}

const AGE: Record<Category, [number, number]> = { staff: [24, 62], graduate: [22, 30], undergraduate: [18, 23], retired: [60, 96] };
const JOIN_AGE: Record<Category, [number, number]> = { staff: [19, 35], graduate: [18, 24], undergraduate: [18, 21], retired: [18, 35] };
const GB_WEIGHT: Record<UnitKind, number> = { offices: 1.2, college: 1, service: 0.4, retired: 1.6 };
const MEMBERS_PER_BRANCH = 25;

function buildBranches(members: number, random: () => number): { units: (readonly [string, UnitKind])[]; branches: DemoBranch[]; branchOf: number[] } {
  const gbCount = Math.min(UNITS.length, Math.max(8, Math.round(members / 30)));
  const units = UNITS.slice(0, gbCount);
  const totalWeight = units.reduce((s, [, k]) => s + GB_WEIGHT[k], 0);
  const perGb = units.map(([, k]) => Math.floor((members * GB_WEIGHT[k]) / totalWeight));
  perGb[0]! += members - perGb.reduce((s, n) => s + n, 0);

  const branches: DemoBranch[] = [];
  const branchOf: number[] = new Array<number>(members);
  let next = 0;
  units.forEach(([gb, kind], g) => {
    const count = Math.max(2, Math.round(perGb[g]! / MEMBERS_PER_BRANCH));
    const first = branches.length;
    const numbered = new Map<string, number>();
    for (let b = 0; b < count; b += 1) {
      let name: string;
      let category: Category = 'staff';
      if (kind === 'offices') {
        name = OFFICE_BRANCHES[b] ?? `机关第${chineseNumber(b - OFFICE_BRANCHES.length + 1)}党支部`;
      } else if (kind === 'retired') {
        name = `离退休第${chineseNumber(b + 1)}党支部`;
        category = 'retired';
      } else if (kind === 'service') {
        name = `第${chineseNumber(b + 1)}党支部`;
      } else {
        const type = (['教工', '研究生', '本科生'] as const)[b % 3]!;
        const n = (numbered.get(type) ?? 0) + 1;
        numbered.set(type, n);
        name = `${type}第${chineseNumber(n)}党支部`;
        category = type === '教工' ? 'staff' : type === '研究生' ? 'graduate' : 'undergraduate';
      }
      branches.push({ generalBranch: gb, name, category, members: [] });
    }
    // Every branch gets a member (its secretary), the rest fall at random.
    for (let i = 0; i < perGb[g]!; i += 1) {
      const b = i < count ? first + i : first + Math.floor(random() * count);
      branchOf[next] = b;
      branches[b]!.members.push(next);
      next += 1;
    }
  });
  return { units, branches, branchOf };
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

function surnamePicker(random: () => number): () => NamePart {
  const total = SURNAMES.reduce((s, x) => s + x[2], 0);
  return () => {
    let r = random() * total;
    for (const [han, pinyin, w] of SURNAMES) {
      r -= w;
      if (r < 0) return { han, pinyin };
    }
    return { han: '王', pinyin: 'wang' };
  };
}

function cadreLevel(category: Category, random: () => number): string | null {
  if (category === 'graduate' || category === 'undergraduate') return null;
  const r = random();
  // Spellings vary as they do in real sheets; src/domain/roster.ts reads them all.
  const leading: [number, string][] = [
    [0.03, '副科级'],
    [0.045, '副科'],
    [0.065, '正科级'],
    [0.075, '科级'],
    [0.09, '副处级'],
    [0.095, '副处级干部'],
    [0.105, '正处级'],
    [0.11, '处级'],
    [0.113, '副厅级'],
  ];
  for (const [p, level] of leading) if (r < p) return level;
  return r < 0.4 ? '科员' : null;
}

export function generateDemoRoster(opts: DemoOptions): DemoRoster {
  const n = Math.floor(opts.members);
  if (!(n >= MIN_DEMO_MEMBERS)) throw new RangeError(`seed-demo needs at least ${MIN_DEMO_MEMBERS} members (got ${opts.members})`);
  const random = rng(opts.seed);
  const today = opts.today;
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const { units, branches, branchOf } = buildBranches(n, random);
  const surname = surnamePicker(random);
  const useridCount = new Map<string, number>();
  const unaccounted = new Set<string>(); // branch + name of members without an account: must stay unique

  // Hard names go to a random member of a different general branch each.
  const hardNameOf = new Map<number, (typeof HARD_NAMES)[number]>();
  HARD_NAMES.forEach((h, j) => {
    const gb = units[j % units.length]![0];
    const pool = branches.filter((b) => b.generalBranch === gb).flatMap((b) => b.members);
    for (let tries = 0; tries < 20; tries += 1) {
      const i = pick(pool, random);
      if (!hardNameOf.has(i)) {
        hardNameOf.set(i, h);
        break;
      }
    }
  });
  // A few members whose political birthday is today, and a few who joined on 29 February.
  const birthdayToday = new Set([Math.floor(n / 5), Math.floor(n / 2), Math.floor((4 * n) / 5)]);
  const leapJoin = new Set([Math.floor(n / 3), Math.floor((2 * n) / 3) + 1]);

  const entries: RosterEntry[] = [];
  const outstandingContributors: string[] = [];
  const deceased: DemoRoster['deceased'] = [];
  const transferredOut: DemoRoster['transferredOut'] = [];
  for (let i = 0; i < n; i += 1) {
    const branch = branches[branchOf[i]!]!;
    const category = branch.category;
    const hard = hardNameOf.get(i);
    const gender: Gender = hard ? hard[2] : random() < (category === 'staff' || category === 'retired' ? 0.55 : 0.5) ? 'male' : 'female';
    let name: string;
    let base: string;
    if (hard) {
      [name, base] = hard;
    } else {
      const s = surname();
      const chars = gender === 'male' ? MALE_CHARS : FEMALE_CHARS;
      const given = random() < 0.3 ? [pick(chars, random)] : [pick(chars, random), pick(chars, random)];
      name = s.han + given.map((c) => c.han).join('');
      base = s.pinyin + given.map((c) => c.pinyin).join('');
    }

    const [minAge, maxAge] = AGE[category];
    const ageYears = minAge + Math.floor(random() * (maxAge - minAge + 1));
    const birthDate = addDays(addYears(today, -ageYears), -Math.floor(random() * 365));
    const [minJoin, maxJoin] = JOIN_AGE[category];
    let joinDate = addDays(addYears(birthDate, minJoin + Math.floor(random() * (maxJoin - minJoin + 1))), Math.floor(random() * 365));
    // Students join late in their studies; some are still probationary (no 转正日期).
    if (joinDate > today) joinDate = addDays(today, -(10 + Math.floor(random() * 1400)));
    else if (category !== 'retired' && random() < 0.02) joinDate = addDays(today, -(10 + Math.floor(random() * 330)));
    const joinYear = Number(joinDate.slice(0, 4));
    if (leapJoin.has(i) || random() < 1 / 400) {
      let y = joinYear;
      while (!isLeap(y) || y >= ty) y -= 1;
      if (`${y}-02-29` > addYears(birthDate, 16)) joinDate = `${y}-02-29`;
    }
    if (birthdayToday.has(i) || random() < 1 / 300) {
      let y = Math.min(joinYear, ty - 1);
      while (!isValidDate(y, tm, td)) y -= 1;
      const candidate = `${y}-${today.slice(5)}`;
      if (candidate > addYears(birthDate, 16)) joinDate = candidate;
    }
    const full = addYears(joinDate, 1);
    const fullMemberDate = full <= today ? full : null;

    let userid: string | null = null;
    const key = `${branch.generalBranch}\u0000${branch.name}\u0000${name}`;
    const withoutAccount = random() < (category === 'retired' ? 0.08 : 0.01);
    if (!withoutAccount || unaccounted.has(key)) {
      const c = (useridCount.get(base) ?? 0) + 1;
      useridCount.set(base, c);
      userid = `${base}${String(c).padStart(2, '0')}`;
    } else {
      unaccounted.add(key);
    }
    const phone = random() < 0.85 ? `1${pick(['3', '5', '8', '9'], random)}${String(Math.floor(random() * 1e9)).padStart(9, '0')}` : null;

    entries.push({
      row: i + 2,
      name,
      userid,
      // Set once the README's people have their accounts (below): the demo's 钉钉账号 is the 账号.
      dingtalkUserid: null,
      gender,
      birthDate,
      joinDate,
      fullMemberDate,
      generalBranch: branch.generalBranch,
      branch: branch.name,
      roles: [],
      cadreLevel: cadreLevel(category, random),
      linkedGeneralBranches: [],
      outstanding: null,
      delegate: null,
      phone,
    });
    if (userid && category === 'retired' && random() < 0.02) outstandingContributors.push(userid);
  }

  assignRoles(entries, units, branches, random);
  const readmePeople = placeReadmePeople(entries, units, branches, useridCount, new Set(hardNameOf.keys()), outstandingContributors);
  // Two of the README's members are Party congress delegates (党代会代表), so its proposal examples run.
  for (const e of entries) if (e.userid !== null && README_DELEGATES.includes(e.userid)) e.delegate = true;
  // A university where everyone with an account has both: the staff or student number is the userid on WeCom
  // and on DingTalk alike, so 钉钉账号 = 账号.
  for (const e of entries) e.dingtalkUserid = e.userid;

  // A few who died or moved away: never role holders (they would leave gaps in who answers for whom), nor
  // the hard names, which demo users will want to talk as.
  for (const [i, e] of entries.entries()) {
    if (!e.userid || e.roles.length > 0 || hardNameOf.has(i) || readmePeople.has(i)) continue;
    const r = random();
    if (r < 0.003) deceased.push({ userid: e.userid, on: addDays(today, -Math.floor(random() * 700)) });
    else if (r < 0.006) transferredOut.push({ userid: e.userid, on: addDays(today, -Math.floor(random() * 700)) });
  }
  const gone = new Set([...deceased, ...transferredOut].map((x) => x.userid));
  const hardship = demoRegistry(entries, units, branches, today, rng(`${opts.seed}:registry`), (i) => !readmePeople.has(i) && !hardNameOf.has(i) && !gone.has(entries[i]!.userid ?? ''));
  return { committeeName: COMMITTEE_NAME, entries, outstandingContributors, deceased, transferredOut, hardship };
}

/**
 * The demo's hardship registry (生活困难党员信息库): the README's people who are in it — 张伟, 王芳 and 欧阳明 for
 * illness, 刘洋 for a misfortune — and a few members elsewhere (the retired, 数学与统计学院, 文学院), all approved
 * by their GB; and one application still waiting for the README's GB (in another of its branches). Drawn from
 * its own random source, so the roster is the same with or without it. `eligible`: neither a README person nor a
 * hard name (which would make the README's lines ambiguous), nor someone who has died or left.
 */
function demoRegistry(
  entries: RosterEntry[],
  units: readonly (readonly [string, UnitKind])[],
  branches: DemoBranch[],
  today: string,
  random: () => number,
  eligible: (i: number) => boolean,
): DemoHardship[] {
  const out: DemoHardship[] = [];
  const add = (i: number, h: Omit<DemoHardship, 'member' | 'appliedOn' | 'decidedOn'>, daysAgo: number) => {
    const e = entries[i]!;
    const appliedOn = addDays(today, -daysAgo);
    out.push({ member: { name: e.name, userid: e.userid, generalBranch: e.generalBranch, branch: e.branch }, ...h, appliedOn, decidedOn: h.status === 'approved' ? addDays(appliedOn, 3 + Math.floor(random() * 4)) : null });
  };
  const readme = branches.find((b) => b.generalBranch === README_BRANCH.generalBranch && b.name === README_BRANCH.branch);
  const named = (name: string) => readme?.members.find((i) => entries[i]!.name === name);
  const inReadme: Array<[string, Omit<DemoHardship, 'member' | 'appliedOn' | 'decidedOn'>, number]> = [
    ['张伟', { causes: ['illness'], source: 'branch', status: 'approved', note: '本人患慢性病，长期服药' }, 420],
    ['王芳', { causes: ['illness'], source: 'self', status: 'approved', note: '本人患病，治疗费用高' }, 200],
    ['欧阳明', { causes: ['illness'], source: 'self', status: 'approved', note: '长期患病，多次住院，家庭开支大' }, 150],
    ['刘洋', { causes: ['misfortune'], source: 'branch', status: 'approved', note: '配偶失业，家庭收入骤减' }, 90],
  ];
  for (const [name, h, daysAgo] of inReadme) {
    const i = named(name);
    if (i !== undefined) add(i, h, daysAgo);
  }
  // Someone of a general branch (a branch of it when `branch` says so), who was a full member when applying.
  const someone = (gb: string | undefined, branch: (b: DemoBranch) => boolean, daysAgo: number): number | undefined => {
    const pool = branches
      .filter((b) => b.generalBranch === gb && branch(b))
      .flatMap((b) => b.members)
      .filter((i) => eligible(i) && entries[i]!.roles.length === 0 && (entries[i]!.fullMemberDate ?? '9999') <= addDays(today, -daysAgo));
    return pool.length > 0 ? pool[Math.floor(random() * pool.length)] : undefined;
  };
  const elsewhere: Array<[string | undefined, Omit<DemoHardship, 'member' | 'appliedOn' | 'decidedOn'>]> = [
    [units[1]?.[0], { causes: ['old_age', 'frailty'], source: 'branch', status: 'approved', note: '年老体弱，独居' }],
    [units[1]?.[0], { causes: ['old_age', 'illness'], source: 'branch', status: 'approved', note: '高龄，患慢性病' }],
    [units[3]?.[0], { causes: ['disability'], source: 'self', status: 'approved', note: '本人肢体残疾' }],
    [units[4]?.[0], { causes: ['disaster'], source: 'self', status: 'approved', note: '老家房屋受洪灾损毁' }],
  ];
  const taken = new Set<number>();
  for (const [gb, h] of elsewhere) {
    const daysAgo = 60 + Math.floor(random() * 600);
    const i = someone(gb, () => true, daysAgo);
    if (i !== undefined && !taken.has(i)) {
      taken.add(i);
      add(i, h, daysAgo);
    }
  }
  const pending = someone(README_BRANCH.generalBranch, (b) => b.name !== README_BRANCH.branch, 2);
  if (pending !== undefined) add(pending, { causes: ['illness'], source: 'self', status: 'applied', note: '父亲重病住院，家庭开支大' }, 2);
  return out;
}

/** The people the README's chat examples name, and the branch they are in: its secretary can try every example. */
export const README_BRANCH = { generalBranch: '计算机科学与技术学院党总支', branch: '教工第一党支部' } as const;

export interface ReadmePerson {
  name: string;
  /** The account's base (zhangwei → zhangwei01); null: a member without a chat account. */
  account: string | null;
  gender: Gender;
  cadreLevel?: string;
}

/**
 * The README's people, members of README_BRANCH without a role. 张伟, 王芳 and 刘洋 are hard names (namesakes in
 * other branches on purpose); every other README name is made unique in the committee, since the OD's commands
 * (定额补助, 结对 helpers) look names up committee-wide.
 */
export const README_PEOPLE: readonly ReadmePerson[] = [
  { name: '张伟', account: 'zhangwei', gender: 'male' },
  { name: '王芳', account: 'wangfang', gender: 'female' },
  { name: '欧阳明', account: 'ouyangming', gender: 'male' },
  { name: '刘洋', account: 'liuyang', gender: 'male' },
  // A leading cadre (副科级及以上): a helper in 结对帮扶, and the one 免除结对 names.
  { name: '李明', account: 'liming', gender: 'male', cadreLevel: '副处级' },
  { name: '冯无号', account: null, gender: 'male' },
  { name: '陈静', account: 'chenjing', gender: 'female' },
  { name: '孙浩', account: 'sunhao', gender: 'male' },
  { name: '周敏', account: 'zhoumin', gender: 'female' },
];

/** The README's Party congress delegates (党代会代表): they file its proposals (提案). */
export const README_DELEGATES: readonly string[] = ['chenjing01', 'zhoumin01'];

/** Whom the README tells a reader to write as: the README branch's secretary, its GB's secretary, an OD member. */
export const README_WRITERS = {
  branchSecretary: { name: '黄丽华', account: 'huanglihua', gender: 'female' },
  gbSecretary: { name: '孙建国', account: 'sunjianguo', gender: 'male' },
  od: { name: '赵志刚', account: 'zhaozhigang', gender: 'male' },
} as const satisfies Record<string, ReadmePerson>;

/**
 * Gives the README's names to members of README_BRANCH without a role, and the writers' names to the holders of
 * those offices (a role holder with a hard name keeps it). Anyone else there who drew one of the README's names
 * gets a middle character, so each name is one person in that branch — and, except the hard names, one person in
 * the committee. Returns the members renamed.
 */
function placeReadmePeople(
  entries: RosterEntry[],
  units: readonly (readonly [string, UnitKind])[],
  branches: DemoBranch[],
  useridCount: Map<string, number>,
  hard: ReadonlySet<number>,
  outstandingContributors: string[],
): Set<number> {
  const placed = new Set<number>();
  const b = branches.find((x) => x.generalBranch === README_BRANCH.generalBranch && x.name === README_BRANCH.branch);
  if (!b) return placed;
  // The README's accounts are always the first of their name (zhangwei01), whoever else drew that name: a member
  // who held it takes the next free number (and keeps their outstanding-contributor mark).
  const give = (i: number, p: ReadmePerson) => {
    let userid: string | null = null;
    if (p.account !== null) {
      userid = `${p.account}01`;
      const c = (useridCount.get(p.account) ?? 0) + 1;
      useridCount.set(p.account, c);
      const holder = entries.findIndex((e, j) => j !== i && e.userid === userid);
      if (holder >= 0) {
        const moved = `${p.account}${String(c).padStart(2, '0')}`;
        entries[holder]!.userid = moved;
        const k = outstandingContributors.indexOf(userid);
        if (k >= 0) outstandingContributors[k] = moved;
      }
    }
    Object.assign(entries[i]!, { name: p.name, gender: p.gender, userid }, p.cadreLevel ? { cadreLevel: p.cadreLevel } : {});
    placed.add(i);
  };
  // Members without a role, with an account for now: full members first (a cadre, a member in hardship, a helper
  // are rarely on probation), probationers when a small branch runs short.
  const candidates = b.members.filter((i) => entries[i]!.roles.length === 0 && entries[i]!.userid !== null && !hard.has(i));
  const free = [...candidates.filter((i) => entries[i]!.fullMemberDate !== null), ...candidates.filter((i) => entries[i]!.fullMemberDate === null)];
  README_PEOPLE.forEach((p, k) => {
    const i = free[k];
    if (i !== undefined) give(i, p);
  });
  const holder = (role: StoredRole, pool: readonly number[]) => pool.find((i) => entries[i]!.roles.includes(role) && !placed.has(i) && !hard.has(i));
  const gbMembers = branches.filter((x) => x.generalBranch === README_BRANCH.generalBranch).flatMap((x) => x.members);
  const od = branches.filter((x) => x.generalBranch === units[0]![0]).flatMap((x) => x.members);
  for (const [i, p] of [
    [holder('branch_secretary', b.members), README_WRITERS.branchSecretary],
    [holder('gb_secretary', gbMembers), README_WRITERS.gbSecretary],
    [holder('od_staff', od), README_WRITERS.od],
  ] as const) {
    if (i !== undefined) give(i, p);
  }

  const inBranch = new Set(README_PEOPLE.map((p) => p.name));
  const hardNames = new Set(HARD_NAMES.map(([name]) => name));
  const inCommittee = new Set([...README_PEOPLE, ...Object.values(README_WRITERS)].map((p) => p.name).filter((n) => !hardNames.has(n)));
  const inReadmeBranch = new Set(b.members);
  entries.forEach((e, i) => {
    if (placed.has(i)) return;
    if (inCommittee.has(e.name) || (inBranch.has(e.name) && inReadmeBranch.has(i))) e.name = `${e.name[0]}小${e.name.slice(1)}`;
  });
  return placed;
}

function assignRoles(entries: RosterEntry[], units: readonly (readonly [string, UnitKind])[], branches: DemoBranch[], random: () => number): void {
  const give = (i: number, role: StoredRole) => {
    entries[i]!.roles = sortRoles([...entries[i]!.roles, role]);
  };
  const fullMembers = (b: DemoBranch) => {
    const ok = b.members.filter((i) => entries[i]!.fullMemberDate !== null);
    return ok.length > 0 ? ok : b.members;
  };
  for (const b of branches) give(pick(fullMembers(b), random), 'branch_secretary');

  for (const [gb] of units) {
    const pool = branches.filter((b) => b.generalBranch === gb).flatMap(fullMembers);
    const chosen = new Set<number>();
    while (chosen.size < Math.min(3, pool.length)) chosen.add(pick(pool, random));
    const [secretary, ...others] = [...chosen];
    give(secretary!, 'gb_secretary');
    for (const i of others) give(i, 'gb_member');
  }

  // The committee sits in the offices: its first branch (组织人事) holds the OD.
  const offices = branches.filter((b) => b.generalBranch === units[0]![0]);
  const officeStaff = offices.flatMap(fullMembers);
  const odPool = fullMembers(offices[0]!);
  const taken = new Set<number>();
  const takeFrom = (pool: number[]): number => {
    const free = pool.filter((i) => !taken.has(i));
    const i = pick(free.length > 0 ? free : pool, random);
    taken.add(i);
    return i;
  };
  const secretary = takeFrom(officeStaff);
  give(secretary, 'committee_secretary');
  entries[secretary]!.cadreLevel = '正厅级';
  for (let k = 0; k < 3; k += 1) give(takeFrom(odPool), 'od_staff');

  const collegeStaff = branches.filter((b) => b.category === 'staff').flatMap(fullMembers);
  const committeeCount = Math.min(7, Math.max(3, Math.floor(units.length / 2)));
  const committee: number[] = [];
  for (let k = 0; k < committeeCount; k += 1) {
    const i = takeFrom(k < 2 ? officeStaff : collegeStaff);
    give(i, 'committee_member');
    entries[i]!.cadreLevel = k % 2 === 0 ? '副厅级' : '正处级';
    committee.push(i);
  }
  // 挂联: every general branch has one linked committee member; some members follow two or three.
  units.forEach(([gb], g) => {
    const e = entries[committee[g % committee.length]!]!;
    e.linkedGeneralBranches = [...new Set([...e.linkedGeneralBranches, gb])].sort();
  });
  // 单位党员主要领导: in each general branch the last full member holding no other role — chosen without the
  // random source, and from the end (the README's people take the first free places), so the rest of the demo
  // stays as it was.
  for (const [gb] of units) {
    const leader = branches.filter((b) => b.generalBranch === gb).flatMap(fullMembers).reverse().find((i) => entries[i]!.roles.length === 0);
    if (leader !== undefined) give(leader, 'unit_leader');
  }
}

export interface SeedReport {
  members: number;
  generalBranches: number;
  branches: number;
  politicalBirthdaysToday: number;
  probationary: number;
  /** The registry's entries: approved, and waiting for their GB's review. */
  hardship: { approved: number; pending: number };
  seconds: number;
}

/** Writes a demo roster into an empty database (refuses one that already has members: never mix in fake people). */
export async function seedDemo(db: Kysely<Database>, opts: DemoOptions): Promise<SeedReport> {
  const started = performance.now();
  const repo = new RosterRepository(db);
  if ((await repo.countMembers()) > 0) throw new Error('seed-demo needs an empty roster: this database already has members');
  const demo = generateDemoRoster(opts);
  const outcome = await importRosterEntries(
    db,
    demo.entries,
    ROSTER_COLUMNS.map((c) => c.field),
    { today: opts.today, committeeName: demo.committeeName },
  );
  if (!outcome.ok) throw new Error(`demo roster rejected: ${outcome.errors.slice(0, 3).map((e) => `row ${e.row}: ${e.reason}`).join('; ')}`);
  await repo.markOutstandingContributors(demo.outstandingContributors);
  await repo.setStatus(demo.deceased, 'deceased');
  await repo.setStatus(demo.transferredOut, 'transferred_out');
  await seedHardship(db, repo, demo.hardship);
  const monthDay = opts.today.slice(5);
  return {
    members: demo.entries.length,
    generalBranches: new Set(demo.entries.map((e) => e.generalBranch)).size,
    branches: new Set(demo.entries.map((e) => `${e.generalBranch}/${e.branch}`)).size,
    politicalBirthdaysToday: demo.entries.filter((e) => e.joinDate.slice(5) === monthDay).length,
    probationary: demo.entries.filter((e) => e.fullMemberDate === null).length,
    hardship: { approved: demo.hardship.filter((h) => h.status === 'approved').length, pending: demo.hardship.filter((h) => h.status === 'applied').length },
    seconds: (performance.now() - started) / 1000,
  };
}

/** At 10:00 in the organisation's (Chinese) time zone on that day: the demo's instants. */
const tenOClock = (day: string) => new Date(`${day}T02:00:00Z`);

/**
 * Writes the demo's registry as the chat would have left it: an application (the member's own, or the branch
 * secretary's recommendation with the member's consent — attested for a member without an account), decided by
 * the GB secretary; a pending one has its review task open (待办, reminders), due after hardship_review_days.
 */
async function seedHardship(db: Kysely<Database>, roster: RosterRepository, rows: readonly DemoHardship[]): Promise<void> {
  if (rows.length === 0) return;
  const committee = (await roster.loadOrganisations()).find((o) => o.kind === 'committee');
  if (!committee) return;
  const orgs = new OrganisationRepository(db);
  const registry = new HardshipRegistryRepository(db);
  const tasks = new AssistanceTaskRepository(db);
  const { hardship_review_days: reviewDays } = await new SettingsRepository(db).read(['hardship_review_days']);
  const found = await orgs.activeNamed(committee.id, [...new Set(rows.map((r) => r.member.userid ?? r.member.name))]);
  for (const h of rows) {
    const m = found.find((x) => (h.member.userid ? x.userid === h.member.userid : x.userid === null && x.name === h.member.name && x.branch === h.member.branch && x.gb === h.member.generalBranch));
    if (!m) continue;
    const holder = async (role: string, org: string) => (await orgs.holdersOf(role, org)).find((h) => h.memberId !== m.id);
    const secretary = await holder('branch_secretary', m.branch_id);
    // The GB decides; where its secretary cannot (no account), the OD stands in, as in the chat.
    const decider = (await holder('gb_secretary', m.gb_id)) ?? (await holder('od_staff', committee.id));
    const byBranch = h.source === 'branch' && secretary !== undefined;
    const at = tenOClock(h.appliedOn);
    const id = await registry.insert({
      memberId: m.id,
      causes: h.causes,
      source: byBranch ? 'branch' : 'self',
      status: 'applied',
      appliedByMemberId: byBranch ? secretary.memberId : m.id,
      note: h.note,
      ...(byBranch ? { consent: m.userid ? { byMemberId: m.id, attested: false } : { byMemberId: secretary.memberId, attested: true } } : {}),
      at,
    });
    if (!id) continue;
    if (h.status === 'approved' && h.decidedOn) {
      await registry.decide(id, 'approved', decider?.memberId ?? null, '', tenOClock(h.decidedOn));
    } else {
      await tasks.open({ kind: 'hardship_review', subjectId: id, memberId: m.id, ownerRole: 'gb_secretary', ownerOrganisationId: m.gb_id, openedOn: h.appliedOn, dueOn: addDays(h.appliedOn, reviewDays), createdAt: at });
    }
  }
}
