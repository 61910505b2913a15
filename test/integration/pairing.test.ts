// Issue 12, pairing (结对帮扶), against a real database (PostgreSQL and PGlite): pairings of approved entries only,
// one and many helpers, an organisation helping through its secretary, the access rule on who arranges; the last
// contact derived from care records (the helper's or the organisation's secretary's, from the start, not undone);
// a helper's pairs; the OD's lists (cadres helping nobody, exempt ones apart, members without a helper); the
// nudge and the monthly list as the sweep plans them; and an archived entry leaving every list.
import type { Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { endPairing, endPairingById, exemptCadre, pairingOverview, pairsOfHelper, revokeExemption, startPairing } from '../../src/assistance/pairing.ts';
import { archiveEntry } from '../../src/assistance/registry.ts';
import { HardshipRegistryRepository } from '../../src/db/hardship-registry-repository.ts';
import { PairingRepository } from '../../src/db/pairing-repository.ts';
import { CareRecordRepository } from '../../src/db/care-record-repository.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { noticesDueOn, DEFAULT_SCHEDULE_SETTINGS } from '../../src/domain/schedule.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';
import type { AccessPerson } from '../../src/domain/access.ts';
import { pairingNudges } from '../../src/notices/planners/pairing-nudges.ts';
import { plannerFor } from '../../src/notices/planners/index.ts';
import type { PlanContext } from '../../src/notices/planner.ts';

const PAIRING_ROWS = [
  '李明,liming,男,1975-01-01,2000-01-01,2001-01-01,数学学院党总支,教工党支部,,副处级,',
  '王芳,wangfang,女,1960-01-01,1985-01-01,1986-01-01,计算机学院党总支,教工第一党支部,,,',
  '张伟,zhangwei,男,1980-01-01,2005-01-01,2006-01-01,计算机学院党总支,教工第一党支部,,正科级,',
  '刘洋,liuyang,男,1985-01-01,2008-01-01,2009-01-01,机关党总支,组织人事党支部,,科员,',
  '蒋困难,,女,1950-01-01,1975-01-01,1976-01-01,计算机学院党总支,教工第一党支部,,,',
];

const START = '2026-11-25';
const NOW = new Date('2026-11-25T02:00:00Z');

describe.each(DB_KINDS)('pairing on %s (issue 12, section 4)', (kind) => {
  let db: TestDb;
  // Looked up before any transaction opens: PGlite has one connection, and a query outside the transaction would wait for it.
  const ids = new Map<string, string>();
  const people = new Map<string, AccessPerson>();
  const id = (name: string) => ids.get(name)!;
  const person = (name: string) => people.get(name)!;
  const org = async (name: string) => (await db.db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const tx = <T>(fn: (trx: Transaction<Database>) => Promise<T>) => db.db.transaction().execute(fn);
  const entryOf = async (name: string) => (await new HardshipRegistryRepository(db.db).liveEntryOf(id(name)))!;
  const member = (name: string) => ({ kind: 'member' as const, memberId: id(name), name: `${name}同志` });
  const record = async (leader: string, about: string, on: string, undone = false) => {
    const rid = await new CareRecordRepository(db.db).insert({
      kind: 'visit',
      leaderMemberId: id(leader),
      memberId: id(about),
      happenedOn: on,
      reason: 'hardship',
      note: '',
      obligationId: null,
      recordedByMemberId: id(leader),
      recordedAt: NOW,
    });
    if (undone) await new CareRecordRepository(db.db).markUndone(rid, NOW);
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db, [...CARE_ROWS, ...PAIRING_ROWS]);
    for (const m of await db.db.selectFrom('members').select(['id', 'name']).execute()) {
      ids.set(m.name, m.id);
      people.set(m.name, (await loadAccessPerson(db.db, m.id))!);
    }
    const reg = new HardshipRegistryRepository(db.db);
    const od = id('赵组织');
    for (const [name, causes] of [['王芳', ['illness', 'disability']], ['蒋困难', ['old_age']]] as const) {
      await reg.insert({ memberId: id(name), causes: [...causes], source: 'self', status: 'approved', appliedByMemberId: od, note: '', at: NOW });
    }
    await reg.insert({ memberId: id('吴生日'), causes: ['misfortune'], source: 'self', status: 'applied', appliedByMemberId: id('吴生日'), note: '', at: NOW });
  });
  afterAll(() => db.drop());

  it('the OD pairs 李明 with 王芳: one helps one; the helper is told the causes, never an amount; the member who helps them', async () => {
    const out = await tx(async (trx) => startPairing(trx, { actor: person('赵组织'), memberId: id('王芳'), helpers: [member('李明')], today: START, now: NOW }));
    expect(out).toMatchObject({ status: 'done', member: '王芳', mode: 'one_to_one', existing: [] });
    if (out.status !== 'done') return;
    expect(out.started.map((s) => s.name)).toEqual(['李明同志']);
    expect(out.notices.map((n) => n.recipient).sort()).toEqual(['liming', 'wangfang']);
    const told = JSON.stringify(out.notices.find((n) => n.recipient === 'liming')!.message);
    expect(told).toContain('患病、残疾');
    expect(told).toContain('经党委组织部安排');
    expect(told).not.toMatch(/\d+元|金额/);
    expect(JSON.stringify(out.notices.find((n) => n.recipient === 'wangfang')!.message)).toContain('李明同志与您结对帮扶');
  });

  it('the same pairing again is answered, not duplicated', async () => {
    const out = await tx(async (trx) => startPairing(trx, { actor: person('赵组织'), memberId: id('王芳'), helpers: [member('李明')], today: START, now: NOW }));
    expect(out).toMatchObject({ status: 'done', started: [], mode: 'one_to_one' });
    if (out.status === 'done') expect(out.existing.map((e) => e.name)).toEqual(['李明同志']);
    expect(await db.db.selectFrom('pairings').select('id').execute()).toHaveLength(1);
  });

  it('her GB secretary adds 张伟 and the 数学学院 teachers\' branch: many help one; the branch\'s secretary is told for it', async () => {
    const branch = { kind: 'organisation' as const, organisationId: await org('教工党支部'), name: '数学学院党总支教工党支部' };
    const out = await tx(async (trx) => startPairing(trx, { actor: person('孙总支'), memberId: id('王芳'), helpers: [member('张伟'), branch], today: START, now: NOW }));
    expect(out).toMatchObject({ status: 'done', mode: 'many_to_one' });
    if (out.status !== 'done') return;
    expect(out.notices.map((n) => n.recipient).sort()).toEqual(['chuzhishu', 'wangfang', 'zhangwei']);
    const toChu = JSON.stringify(out.notices.find((n) => n.recipient === 'chuzhishu')!.message);
    expect(toChu).toContain('数学学院党总支教工党支部与生活困难党员王芳同志');
    expect(toChu).toContain('经计算机学院党总支安排');
  });

  it('refuses: a GB secretary of another GB, a member not (yet) in hardship, a member helping themself', async () => {
    const chu = await tx(async (trx) => startPairing(trx, { actor: person('褚支书'), memberId: id('王芳'), helpers: [member('刘洋')], today: START, now: NOW }));
    expect(chu).toEqual({ status: 'not_allowed' });
    const plain = await tx(async (trx) => startPairing(trx, { actor: person('李明'), memberId: id('王芳'), helpers: [member('刘洋')], today: START, now: NOW }));
    expect(plain).toEqual({ status: 'not_allowed' });
    const applied = await tx(async (trx) => startPairing(trx, { actor: person('赵组织'), memberId: id('吴生日'), helpers: [member('刘洋')], today: START, now: NOW }));
    expect(applied).toEqual({ status: 'no_entry', member: '吴生日' });
    const self = await tx(async (trx) => startPairing(trx, { actor: person('赵组织'), memberId: id('王芳'), helpers: [member('王芳')], today: START, now: NOW }));
    expect(self).toMatchObject({ status: 'self_help' });
  });

  it('the last contact: the helper\'s (or the organisation secretary\'s) talks and visits with her since the start, not undone', async () => {
    await record('李明', '王芳', '2026-11-20'); // before the pairing
    await record('李明', '王芳', '2026-11-26');
    await record('李明', '王芳', '2026-11-27', true); // undone
    await record('周支书', '王芳', '2026-11-28'); // someone else's visit
    await record('褚支书', '王芳', '2026-11-27'); // the helping branch's secretary
    const rows = await new PairingRepository(db.db).list({ memberId: id('王芳') });
    const last = Object.fromEntries(rows.map((r) => [r.helper_member_name ?? r.helper_organisation_name, r.last_contact_on]));
    expect(last).toEqual({ 李明: '2026-11-26', 张伟: null, 数学学院党总支教工党支部: '2026-11-27' });
    expect(rows.every((r) => r.live && r.live_helpers === 3)).toBe(true);
  });

  it('a helper\'s pairs (我的结对对象): in person, or for the organisation whose secretary they are, causes included', async () => {
    const repo = new PairingRepository(db.db);
    expect(await repo.helpedBy(id('李明'))).toEqual([id('王芳')]);
    expect(await repo.helpedBy(id('褚支书'))).toEqual([id('王芳')]);
    expect(await repo.helpedBy(id('周支书'))).toEqual([]);
    const mine = await pairsOfHelper(db.db, { viewer: person('褚支书'), today: '2026-11-30', nudgeDays: 90 });
    expect(mine).toEqual([
      { member: '王芳', place: '计算机学院党总支教工第一党支部', causes: ['illness', 'disability'], startedOn: START, lastContactOn: '2026-11-27', forOrganisation: '数学学院党总支教工党支部', overdue: false },
    ]);
    const liming = await pairsOfHelper(db.db, { viewer: person('李明'), today: '2027-02-24', nudgeDays: 90 });
    expect(liming).toMatchObject([{ member: '王芳', forOrganisation: null, lastContactOn: '2026-11-26', overdue: true }]);
  });

  it('the nudge: 90 days without contact, once per stretch, to the helper or the organisation\'s secretary', async () => {
    const calendar = chineseWorkingDayCalendar();
    const ctx = (date: string): PlanContext => ({ date, late: false, birthdayBasis: 'join_date', holidayListDaysBefore: 14, calendar });
    const on = async (date: string) => (await pairingNudges.plan(db.db, ctx(date))).map((n) => `${n.recipientUserid} ${n.subject.startsWith('pairing-') ? 'p' : n.subject} ${n.period}`);
    expect(await on('2027-02-22')).toEqual([]);
    // 张伟: no contact since the start (25 Nov) → 23 Feb; 李明: last contact 26 Nov → 24 Feb; the branch: 27 Nov → 25 Feb.
    expect(await on('2027-02-23')).toEqual(['zhangwei p 2027-02-23']);
    expect((await on('2027-02-25')).sort()).toEqual(['chuzhishu p 2027-02-25', 'liming p 2027-02-24', 'zhangwei p 2027-02-23']);
    const text = JSON.stringify((await pairingNudges.plan(db.db, ctx('2027-02-25'))).find((n) => n.recipientUserid === 'zhangwei')!.message);
    expect(text).toContain('王芳同志（计算机学院党总支教工第一党支部）已92天没有联系');
    expect(text).toContain('自2026年11月25日结对以来尚未登记联系');
    expect(await on('2027-02-27')).toEqual([]); // a Saturday: nudges go on working days
  });

  it('the OD\'s lists: leading cadres helping nobody (exempt ones apart, with the reason), members in hardship without a helper', async () => {
    const od = person('赵组织');
    const lists = await pairingOverview(db.db, od.committeeId);
    // 李明 and 张伟 help; 刘洋 is 科员; 褚支书 helps for his branch, not in person (and has no cadre level).
    expect(lists.unpaired.map((c) => c.name).sort()).toEqual(['孙总支', '李书记', '赵组织', '钱委员'].sort());
    expect(lists.unhelped.map((m) => m.name)).toEqual(['蒋困难']);

    expect(await tx(async (trx) => exemptCadre(trx, { actor: od, memberId: id('孙总支'), reason: '', now: NOW }))).toEqual({ status: 'reason_required', name: '孙总支' });
    expect(await tx(async (trx) => exemptCadre(trx, { actor: od, memberId: id('刘洋'), reason: '不适用', now: NOW }))).toEqual({ status: 'not_cadre', name: '刘洋', cadreLevel: '科员' });
    expect(await tx(async (trx) => exemptCadre(trx, { actor: person('孙总支'), memberId: id('钱委员'), reason: '长期外派', now: NOW }))).toEqual({ status: 'not_allowed' });
    expect(await tx(async (trx) => exemptCadre(trx, { actor: od, memberId: od.memberId, reason: '本人', now: NOW }))).toEqual({ status: 'not_allowed' });
    expect(await tx(async (trx) => exemptCadre(trx, { actor: od, memberId: id('孙总支'), reason: '长期外派', now: NOW }))).toEqual({ status: 'done', name: '孙总支', reason: '长期外派' });
    expect(await tx(async (trx) => exemptCadre(trx, { actor: od, memberId: id('孙总支'), reason: '另一个原因', now: NOW }))).toEqual({ status: 'already', name: '孙总支', reason: '长期外派' });

    const after = await pairingOverview(db.db, od.committeeId);
    expect(after.unpaired.map((c) => c.name)).not.toContain('孙总支');
    expect(after.exempt.map((c) => [c.name, c.exemption])).toEqual([['孙总支', '长期外派']]);

    // The month's list, as the sweep plans it on the first working day (1 December 2026).
    const notice = noticesDueOn('2026-12-01', { calendar: chineseWorkingDayCalendar(), settings: DEFAULT_SCHEDULE_SETTINGS }).find((n) => n.kind === 'pairing_monthly_list')!;
    expect(notice.period).toBe('2026-12');
    const planned = await plannerFor('pairing_monthly_list').plan(db.db, notice, { date: '2026-12-01', late: false, birthdayBasis: 'join_date', holidayListDaysBefore: 14, calendar: chineseWorkingDayCalendar() });
    expect(planned.map((n) => n.recipientUserid)).toEqual(['zhaozuzhi']);
    const text = JSON.stringify(planned[0]!.message);
    expect(text).toContain('12月结对帮扶情况');
    expect(text).toContain('钱委员');
    expect(text).toContain('蒋困难');
    expect(text).toContain('孙总支（计算机学院党总支，正处级）：长期外派');
    expect(text).not.toContain('- 李明');

    expect(await tx(async (trx) => revokeExemption(trx, { actor: od, memberId: id('孙总支'), now: NOW }))).toEqual({ status: 'done', name: '孙总支' });
    expect(await tx(async (trx) => revokeExemption(trx, { actor: od, memberId: id('孙总支'), now: NOW }))).toEqual({ status: 'not_exempt', name: '孙总支' });
  });

  it('结束结对 ends one pairing (ended), told to the helper and the member; a second time finds none', async () => {
    const gb = person('孙总支');
    const out = await tx(async (trx) => endPairing(trx, { actor: gb, memberId: id('王芳'), helper: member('张伟'), today: '2026-12-02' }));
    expect(out).toMatchObject({ status: 'done', helper: '张伟同志' });
    if (out.status === 'done') expect(out.notices.map((n) => n.recipient).sort()).toEqual(['wangfang', 'zhangwei']);
    const row = await db.db.selectFrom('pairings').select(['ended_on', 'ended_reason']).where('helper_member_id', '=', id('张伟')).executeTakeFirstOrThrow();
    expect(row).toEqual({ ended_on: '2026-12-02', ended_reason: 'ended' });
    expect(await tx(async (trx) => endPairing(trx, { actor: gb, memberId: id('王芳'), helper: member('张伟'), today: '2026-12-02' }))).toMatchObject({ status: 'not_paired' });
    const pid = (await db.db.selectFrom('pairings').select('id').where('helper_member_id', '=', id('张伟')).executeTakeFirstOrThrow()).id;
    expect(await tx(async (trx) => endPairingById(trx, { actor: person('褚支书'), pairingId: pid, today: '2026-12-02' }))).toEqual({ status: 'not_allowed' });
    expect(await tx(async (trx) => endPairingById(trx, { actor: gb, pairingId: pid, today: '2026-12-02' }))).toMatchObject({ status: 'not_paired' });
    expect((await new PairingRepository(db.db).list({ memberId: id('王芳') })).map((r) => r.live_helpers)).toEqual([2, 2]);
  });

  it('an archived entry (archiveEntry ends the pairings): she leaves every list, and nobody is nudged about her', async () => {
    const entry = await entryOf('王芳');
    const out = await tx(async (trx) => archiveEntry(trx, { entryId: entry.id, byMemberId: id('孙总支'), reason: '已好转', now: NOW, today: '2026-12-03' }));
    expect(out.endedPairings).toHaveLength(2);
    const repo = new PairingRepository(db.db);
    expect(await repo.list()).toEqual([]);
    expect(await repo.helpedBy(id('李明'))).toEqual([]);
    expect((await pairingOverview(db.db)).unhelped.map((m) => m.name)).toEqual(['蒋困难']);
    expect((await pairingOverview(db.db)).unpaired.map((c) => c.name)).toContain('李明');
    const calendar = chineseWorkingDayCalendar();
    expect(await pairingNudges.plan(db.db, { date: '2027-03-01', late: false, birthdayBasis: 'join_date', holidayListDaysBefore: 14, calendar })).toEqual([]);
    expect((await repo.list({ all: true })).map((r) => r.ended_reason).sort()).toEqual(['ended', 'entry_archived', 'entry_archived']);
  });
});
