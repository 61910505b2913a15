// Who owes, and what closes it (issue 11 points 1–3, 5, 6) on PostgreSQL and PGlite: reported triggers open
// obligations owned by the right office (never by the member concerned), task cards reach the owners and
// co-owners, a record closes only what it fulfils, and the roster's 突出贡献 column sets the flag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeFulfilled, openQuotaObligations, reportTrigger, taskCardHolders } from '../../src/care/obligations.ts';
import { CareRecordRepository } from '../../src/db/care-record-repository.ts';
import type { CareReason } from '../../src/domain/obligations.ts';
import { importRosterFile } from '../../src/roster/import.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { obligationReminders } from '../../src/notices/planners/obligation-reminders.ts';
import { CARE_HEADER, CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';

const TODAY = '2026-11-26';
const AT = new Date('2026-11-26T02:00:00Z');
// The unit's main Party leader of 计算机学院 (a roster value of 职务).
const UNIT_LEADER = '孔领导,kongling,男,1972-01-01,1998-07-01,1999-07-01,计算机学院党总支,教工第一党支部,单位党员主要领导,正处级,';
const ROWS = [...CARE_ROWS, UNIT_LEADER];

describe.each(DB_KINDS)('who owes, and what closes it, on %s', (kind) => {
  let t: TestDb;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await importCareRoster(t.db, ROWS);
    for (const m of await t.db.selectFrom('members').select(['id', 'userid']).execute()) if (m.userid) ids[m.userid] = m.id;
    await openQuotaObligations(t.db, 2026, AT);
  });
  afterAll(async () => t?.drop());

  const report = (member: string, reason: 'hospitalised' | 'job_change' | 'disaster', on = TODAY) =>
    t.db.transaction().execute((trx) => reportTrigger(trx, { memberId: ids[member]!, reason, occurredOn: on, note: '', reportedBy: ids['wushengri']!, today: on, reportedAt: AT }));
  /** A record as the chat makes it: `writer` recorded it, `leader` talked or visited (派人 when they differ). */
  const record = (writer: string, kindOf: 'talk' | 'visit', member: string, reason: CareReason, opts: { leader?: string; on?: string } = {}) =>
    t.db.transaction().execute(async (trx) => {
      const leader = ids[opts.leader ?? writer]!;
      const happenedOn = opts.on ?? TODAY;
      const id = await new CareRecordRepository(trx).insert({
        kind: kindOf,
        leaderMemberId: leader,
        memberId: ids[member]!,
        happenedOn,
        reason,
        note: '',
        obligationId: null,
        recordedByMemberId: ids[writer]!,
        recordedAt: AT,
        ...(opts.leader ? { sentByMemberId: ids[writer]! } : {}),
      });
      return closeFulfilled(trx, { id, kind: kindOf, reason, memberId: ids[member]!, leaderMemberId: leader, happenedOn }, (await loadAccessPerson(trx, ids[writer]!))!, AT);
    });
  const status = async (id: string) => (await t.db.selectFrom('care_obligations').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  const told = async (ob: Parameters<typeof taskCardHolders>[1], member: string) => (await taskCardHolders(t.db, ob, ids[member]!)).map((h) => h.userid).sort();

  it('the unit’s main Party leader is a roster role held in the general branch', async () => {
    const roles = await t.db.selectFrom('member_roles').select(['role']).where('member_id', '=', ids['kongling']!).execute();
    expect(roles.map((r) => r.role)).toEqual(['unit_leader']);
  });

  it('a talk trigger: owed by the GB, and its secretary and the unit’s main Party leader both get the task card; only their talk (for the trigger) closes it', async () => {
    const r = await report('wushengri', 'job_change');
    const talk = r.obligations[0]!;
    expect(talk.owner.role).toBe('gb_secretary');
    expect(await told(talk, 'wushengri')).toEqual(['kongling', 'sunzongzhi']);
    // The branch secretary's routine talk closes her yearly quota with him, not the GB's 五必谈 talk.
    const byBranch = await record('zhouzhishu', 'talk', 'wushengri', 'routine');
    expect(byBranch).toHaveLength(1);
    expect(await status(talk.id)).toBe('open');
    // Nor does her talk written with the trigger's reason: she is not in the owning office.
    expect(await record('zhouzhishu', 'talk', 'wushengri', 'job_change')).toEqual([]);
    // Nor the GB secretary's routine talk.
    expect(await record('sunzongzhi', 'talk', 'wushengri', 'routine')).toEqual([]);
    expect(await status(talk.id)).toBe('open');
    // The unit's main Party leader's talk for the trigger does.
    expect(await record('kongling', 'talk', 'wushengri', 'job_change')).toEqual([talk.id]);
    expect(await status(talk.id)).toBe('done');
  });

  it('reminders of a GB’s talk reach the unit’s main Party leader too, never the member concerned', async () => {
    const talk = (await report('zhenglao', 'job_change')).obligations[0]!;
    const plan = (on: string) => obligationReminders.plan(t.db, { date: on, late: false, birthdayBasis: 'join_date', holidayListDaysBefore: 14, calendar: chineseWorkingDayCalendar() } as never);
    const dueSoon = (await plan('2026-12-01')).filter((n) => n.subject === `obligation-${talk.id}`);
    expect(dueSoon.map((n) => n.recipientUserid).sort()).toEqual(['kongling', 'sunzongzhi']);
  });

  it('a visit trigger: the branch owes it, the GB secretary is told too and either’s visit closes it; a visit made before the report closes nothing', async () => {
    const r = await report('zhenglao', 'hospitalised');
    const visit = r.obligations[0]!;
    expect(visit.owner.role).toBe('branch_secretary');
    expect(await told(visit, 'zhenglao')).toEqual(['sunzongzhi', 'zhouzhishu']);
    expect(await record('sunzongzhi', 'visit', 'zhenglao', 'hospitalised', { on: '2026-11-25' })).toEqual([]);
    expect(await record('sunzongzhi', 'visit', 'zhenglao', 'hospitalised')).toEqual([visit.id]);
  });

  it('an outstanding contributor: the OD owes its own visit, which the branch’s visit does not close and the OD’s does', async () => {
    await t.db.updateTable('members').set({ outstanding_contributor: true }).where('id', '=', ids['wangjinnian']!).execute();
    const r = await report('wangjinnian', 'disaster');
    const [branch, od] = r.obligations;
    expect([branch!.owner.role, od!.owner.role]).toEqual(['branch_secretary', 'od_staff']);
    expect(await told(od!, 'wangjinnian')).toEqual(['zhaozuzhi']);
    expect(await record('zhouzhishu', 'visit', 'wangjinnian', 'disaster')).toEqual([branch!.id]);
    expect(await status(od!.id)).toBe('open');
    expect(await record('zhaozuzhi', 'visit', 'wangjinnian', 'disaster')).toEqual([od!.id]);
  });

  it('nobody owes themselves: the hospitalised branch secretary’s visit is owed by the GB, and she gets no task card', async () => {
    const r = await report('zhouzhishu', 'hospitalised');
    const visit = r.obligations[0]!;
    expect(visit.owner.role).toBe('gb_secretary');
    expect(visit.ownerOrganisationId).toBe((await t.db.selectFrom('organisations').select('id').where('name', '=', '计算机学院党总支').executeTakeFirstOrThrow()).id);
    expect(await told(visit, 'zhouzhishu')).toEqual(['sunzongzhi']);
    // A GB secretary's own job change stays with the GB: the unit's main Party leader owns it, and is the one told.
    const talk = (await report('sunzongzhi', 'job_change')).obligations[0]!;
    expect(talk.owner.role).toBe('gb_secretary');
    expect(await told(talk, 'sunzongzhi')).toEqual(['kongling']);
    // 褚支书 is branch and GB secretary of 数学学院: his own hospital stay goes to the OD.
    const chu = (await report('chuzhishu', 'hospitalised')).obligations[0]!;
    expect(chu.owner.role).toBe('od_staff');
    expect(await told(chu, 'chuzhishu')).toEqual(['zhaozuzhi']);
  });

  it('派人: a visit made by someone the owner sent closes the sender’s obligation and keeps both', async () => {
    const visit = (await report('wushengri', 'hospitalised')).obligations[0]!;
    // 周支书 sends 王今年, a member of her branch.
    const closed = await record('zhouzhishu', 'visit', 'wushengri', 'hospitalised', { leader: 'wangjinnian' });
    expect(closed).toEqual([visit.id]);
    const rec = await t.db.selectFrom('care_records').select(['leader_member_id', 'sent_by_member_id', 'recorded_by_member_id']).where('member_id', '=', ids['wushengri']!).where('kind', '=', 'visit').executeTakeFirstOrThrow();
    expect(rec).toEqual({ leader_member_id: ids['wangjinnian'], sent_by_member_id: ids['zhouzhishu'], recorded_by_member_id: ids['zhouzhishu'] });
  });

  it('the roster’s 突出贡献 column: 是 sets the flag, an empty cell or no column keeps it, 否 clears it, anything else is refused', async () => {
    const flag = async () => (await t.db.selectFrom('members').select('outstanding_contributor').where('id', '=', ids['zhenglao']!).executeTakeFirstOrThrow()).outstanding_contributor;
    const withColumn = (cell: (userid: string | undefined) => string) =>
      Buffer.from([`${CARE_HEADER},突出贡献`, ...ROWS.map((r) => `${r},${cell(r.split(',')[1])}`)].join('\n'), 'utf8');
    const imp = (bytes: Buffer) => importRosterFile(t.db, bytes, { today: TODAY });
    expect((await imp(withColumn((u) => (u === 'zhenglao' ? '是' : '')))).ok).toBe(true);
    expect(await flag()).toBe(true);
    // The wangjinnian flag set above is kept by the empty cells.
    expect((await t.db.selectFrom('members').select('outstanding_contributor').where('id', '=', ids['wangjinnian']!).executeTakeFirstOrThrow()).outstanding_contributor).toBe(true);
    await importCareRoster(t.db, ROWS);
    expect(await flag()).toBe(true);
    expect((await imp(withColumn((u) => (u === 'zhenglao' ? '否' : '')))).ok).toBe(true);
    expect(await flag()).toBe(false);
    const bad = await imp(withColumn((u) => (u === 'zhenglao' ? '也许' : '')));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toEqual([expect.objectContaining({ column: '突出贡献', reason: expect.stringContaining('应填“是”或“否”') })]);
  });
});
