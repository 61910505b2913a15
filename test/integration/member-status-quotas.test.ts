// Issue 11, points 9 and 10, on PostgreSQL and PGlite: the roster's 状态 column (在册/去世/转出) records a death
// or a departure and cancels the open obligations about the member with the reason (the condolence visit
// stays); and after an import that changes roles, 挂联 links or branches, the year's talk quotas follow the
// roster — pairs that no longer hold cancelled (roster_changed), new ones opened, pairs that hold again reopened.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { CARE_HEADER, CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { openQuotaObligations, refreshQuotaObligationsAfterImport, reportTrigger } from '../../src/care/obligations.ts';
import { importRosterFile, type ImportOptions } from '../../src/roster/import.ts';
import type { Trigger } from '../../src/domain/obligations.ts';
import { collectCare, type ObligationExportRow } from '../../src/care/export.ts';

const TODAY = '2026-11-26';
const NOW = new Date('2026-11-26T02:00:00Z');

describe.each(DB_KINDS)('member status and quotas after an import on %s', (kind) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
    await openQuotaObligations(db.db, 2026, NOW);
  });
  afterEach(() => db.drop());

  const idOf = async (userid: string) => String((await db.db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id);
  const report = async (userid: string, reason: Trigger) => {
    // Ids first: PGlite has one connection, which the transaction holds.
    const [memberId, reportedBy] = [await idOf(userid), await idOf('zhouzhishu')];
    return db.db.transaction().execute((trx) => reportTrigger(trx, { memberId, reason, occurredOn: TODAY, note: '', reportedBy, today: TODAY }));
  };
  const importRows = (header: string, rows: string[], opts: Partial<ImportOptions> = {}) =>
    importRosterFile(db.db, Buffer.from([header, ...rows].join('\n'), 'utf8'), { today: TODAY, now: NOW, ...opts });
  const obligationsAbout = async (userid: string) =>
    (
      await sql<{ source: string; reason: string; status: string; cancelled_reason: string | null }>`
        select o.source, o.reason, o.status, o.cancelled_reason from care_obligations o join members m on m.id = o.member_id
         where m.userid = ${userid} order by o.source, o.reason, o.id`.execute(db.db)
    ).rows.map((o) => `${o.source}:${o.reason}:${o.status}${o.cancelled_reason ? `:${o.cancelled_reason}` : ''}`);
  /** The year's quota pairs as "owner→member:status[:reason]". */
  const quotas = async (filter: (row: string) => boolean = () => true) =>
    (
      await sql<{ row: string }>`
        select ow.userid || '→' || coalesce(m.userid, m.name) || ':' || o.status || coalesce(':' || o.cancelled_reason, '') as row
          from care_obligations o join members ow on ow.id = o.owner_member_id join members m on m.id = o.member_id
         where o.source = 'quota' and o.period = '2026' order by 1`.execute(db.db)
    ).rows
      .map((r) => r.row)
      .filter(filter);
  /** CARE_ROWS with a 状态 cell appended: `status[userid-or-name]`, blank for the others. */
  const withStatus = (status: Record<string, string>) =>
    CARE_ROWS.map((r) => {
      const [name, userid] = r.split(',');
      return `${r},${status[userid || name!] ?? ''}`;
    });

  it('point 9: 状态 去世 and 转出 record the change and cancel open obligations about the member, the condolence visit apart', async () => {
    await report('wushengri', 'hospitalised');
    await report('wushengri', 'job_change');
    await report('zhenglao', 'death');
    await report('zhenglao', 'setback');
    await report('wangjinnian', 'hospitalised');
    const out = await importRows(`${CARE_HEADER},状态`, withStatus({ wushengri: '转出', zhenglao: '去世', wangjinnian: '在册' }));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.report.changes.sample.filter((c) => c.fields.includes('状态')).map((c) => c.name).sort()).toEqual(['吴生日', '郑老党员']);

    const members = await db.db
      .selectFrom('members')
      .select(['userid', 'status', 'status_changed_on', 'death_confirmed_at', 'death_confirmed_by_member_id'])
      .where('userid', 'in', ['wushengri', 'zhenglao', 'wangjinnian'])
      .orderBy('userid')
      .execute();
    expect(members.map((m) => [m.userid, m.status, m.death_confirmed_at?.toISOString() ?? null, m.death_confirmed_by_member_id])).toEqual([
      ['wangjinnian', 'active', null, null],
      ['wushengri', 'transferred_out', null, null],
      ['zhenglao', 'deceased', NOW.toISOString(), null],
    ]);
    const changedOn = await sql<{ d: string }>`select to_char(status_changed_on, 'YYYY-MM-DD') as d from members where userid in ('wushengri', 'zhenglao')`.execute(db.db);
    expect(changedOn.rows.map((x) => x.d)).toEqual([TODAY, TODAY]);

    expect(await obligationsAbout('wushengri')).toEqual([
      'quota:routine:open', // the quota refresh's (below)
      'trigger:hospitalised:cancelled:member_transferred_out',
      'trigger:job_change:cancelled:member_transferred_out',
    ]);
    expect(await obligationsAbout('zhenglao')).toEqual(['quota:routine:open', 'trigger:death:open', 'trigger:setback:cancelled:member_deceased']);
    expect(await obligationsAbout('wangjinnian')).toEqual(['quota:routine:open', 'trigger:hospitalised:open']);

    await refreshQuotaObligationsAfterImport(db.db, TODAY, NOW);
    expect((await obligationsAbout('wushengri'))[0]).toBe('quota:routine:cancelled:member_transferred_out');
    // The OD's export says why each was cancelled.
    const exported = (await collectCare(db.db, 'obligations', { today: TODAY })) as ObligationExportRow[];
    expect(exported.filter((r) => r.member_userid === 'zhenglao').map((r) => [r.reason, r.state, r.cancelled_reason])).toEqual([
      ['routine', 'cancelled', 'member_deceased'],
      ['death', 'open', null],
      ['setback', 'cancelled', 'member_deceased'],
    ]);
    expect((await obligationsAbout('zhenglao'))[0]).toBe('quota:routine:cancelled:member_deceased');
  });

  it('point 9: without a 状态 column a deceased member stays deceased; 在册 brings them back (with a warning); a bad value is a row error', async () => {
    expect((await importRows(`${CARE_HEADER},状态`, withStatus({ zhenglao: '去世' }))).ok).toBe(true);
    const noColumn = await importRows(CARE_HEADER, CARE_ROWS);
    expect(noColumn.ok && noColumn.report.warnings.some((w) => w.includes('郑老党员 已登记为去世'))).toBe(true);
    const status = async () => (await db.db.selectFrom('members').select(['status', 'death_confirmed_at']).where('userid', '=', 'zhenglao').executeTakeFirstOrThrow());
    expect((await status()).status).toBe('deceased');

    const back = await importRows(`${CARE_HEADER},status`, withStatus({ zhenglao: 'active' }));
    expect(back.ok && back.report.warnings.some((w) => w.includes('原登记为去世'))).toBe(true);
    expect(await status()).toEqual({ status: 'active', death_confirmed_at: null });

    const bad = await importRows(`${CARE_HEADER},状态`, withStatus({ zhenglao: '退休' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toContainEqual({ row: 8, column: '状态', reason: '状态「退休」无法识别，可填：在册、去世、转出' });
  });

  it('point 9: --retire-missing cancels the open obligations of those it retires', async () => {
    await report('wushengri', 'hospitalised');
    const out = await importRows(CARE_HEADER, CARE_ROWS.filter((r) => !r.startsWith('吴生日')), { retireMissing: true });
    expect(out.ok).toBe(true);
    expect(await obligationsAbout('wushengri')).toEqual(['quota:routine:open', 'trigger:hospitalised:cancelled:member_transferred_out']);
  });

  it('point 10: a role, a link and a branch change: pairs that no longer hold are cancelled, new ones opened; restored ones reopen', async () => {
    const before = await quotas();
    expect(before).toContain('zhouzhishu→wushengri:open');
    expect(before).toContain('qianweiyuan→sunzongzhi:open');
    expect(before).toContain('chuzhishu→chenbiezhi:open');
    // A pair already talked this year stays done whatever happens.
    await sql`update care_obligations set status = 'done' where source = 'quota' and owner_member_id = ${await idOf('zhouzhishu')}::bigint and member_id = ${await idOf('zhenglao')}::bigint`.execute(db.db);

    const changed = CARE_ROWS.map((r) =>
      r
        // 周支书 is no longer the branch secretary; 吴生日 is.
        .replace('党总支委员;支部书记', '党总支委员')
        .replace(/^吴生日,wushengri,男,1990-05-05,2012-11-26,2013-11-26,计算机学院党总支,教工第一党支部,,,$/, '吴生日,wushengri,男,1990-05-05,2012-11-26,2013-11-26,计算机学院党总支,教工第一党支部,支部书记,,')
        // 钱委员 is linked to 数学学院 instead of 计算机学院.
        .replace(/党委委员,副厅级,计算机学院党总支$/, '党委委员,副厅级,数学学院党总支')
        // 陈别支 moves to 计算机学院's 教工第一党支部.
        .replace('数学学院党总支,教工党支部,,,', '计算机学院党总支,教工第一党支部,,,'),
    );
    expect((await importRows(CARE_HEADER, changed)).ok).toBe(true);
    const r = await refreshQuotaObligationsAfterImport(db.db, TODAY, NOW);
    const after = await quotas();

    // The former secretary: the pairs not yet talked are cancelled, the talked one stays done.
    expect(after.filter((x) => x.startsWith('zhouzhishu→'))).toEqual([
      'zhouzhishu→wangjinnian:cancelled:roster_changed',
      'zhouzhishu→wushengri:cancelled:roster_changed',
      'zhouzhishu→zhenglao:done',
      'zhouzhishu→冯无号:cancelled:roster_changed',
      'zhouzhishu→sunzongzhi:cancelled:roster_changed',
    ].sort());
    // The new secretary owes every member of the branch, 陈别支 (who moved in) included.
    expect(after.filter((x) => x.startsWith('wushengri→'))).toEqual(
      ['wushengri→chenbiezhi:open', 'wushengri→sunzongzhi:open', 'wushengri→wangjinnian:open', 'wushengri→zhenglao:open', 'wushengri→zhouzhishu:open', 'wushengri→冯无号:open'].sort(),
    );
    // The committee member follows the link; 陈别支's old secretary no longer owes them.
    expect(after.filter((x) => x.startsWith('qianweiyuan→'))).toEqual(
      ['qianweiyuan→chuzhishu:open', 'qianweiyuan→sunzongzhi:cancelled:roster_changed', 'qianweiyuan→zhouzhishu:cancelled:roster_changed'].sort(),
    );
    expect(after).toContain('chuzhishu→chenbiezhi:cancelled:roster_changed');
    expect(r.cancelled).toBe(7);

    // Back as it was: the cancelled pairs hold again and reopen; the interim ones are cancelled.
    expect((await importRows(CARE_HEADER, CARE_ROWS)).ok).toBe(true);
    await refreshQuotaObligationsAfterImport(db.db, TODAY, NOW);
    const restored = await quotas();
    expect(restored).toContain('zhouzhishu→wushengri:open');
    expect(restored).toContain('zhouzhishu→zhenglao:done');
    expect(restored).toContain('qianweiyuan→sunzongzhi:open');
    expect(restored).toContain('chuzhishu→chenbiezhi:open');
    expect(restored.filter((x) => x.startsWith('wushengri→')).every((x) => x.endsWith(':cancelled:roster_changed'))).toBe(true);
    expect(restored).toContain('qianweiyuan→chuzhishu:cancelled:roster_changed');
  });
});
