// Issue 13 sections 4–5 against a real database (PostgreSQL and PGlite): the GB's active members (the dead and the
// transferred not counted), a GB list recorded, replaced and made final by the committee's picks, certificate
// numbers per issuer and year, the December nudge and the January reminder to GB secretaries with their cap (the
// reminder only to GBs without a list), and the exports with a member viewer's filtering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importHonoursRoster } from '../helpers/honours-roster.ts';
import { CommendationRepository } from '../../src/db/commendation-repository.ts';
import { decideNotices } from '../../src/notices/sweep.ts';
import { recordCommitteePicks, recordGbList, resolveMembers, recordCommendation } from '../../src/incentive/honours.ts';
import { collectIncentive, incentiveExportBytes } from '../../src/incentive/export.ts';
import { viewerOf } from '../../src/domain/access.ts';

describe.each(DB_KINDS)('commendations on %s (issue 13 sections 4–5)', (kind) => {
  let db: TestDb;
  const now = new Date('2026-12-02T02:00:00Z');
  const env = () => ({ db: db.db, now, today: '2026-12-02' });
  const org = async (name: string) => (await db.db.selectFrom('organisations').select(['id', 'parent_id']).where('name', '=', name).executeTakeFirstOrThrow());
  const member = async (userid: string) => (await db.db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id;
  const committee = async () => (await org('计算机学院党总支')).parent_id!;
  const gbSecretary = async () => ({ memberId: await member('sunzongzhi'), committeeId: await committee(), gb: { id: (await org('计算机学院党总支')).id, name: '计算机学院党总支' } });
  const text = async (name: string) => JSON.stringify((await decideNotices({ db: db.db }, name, false)).map((n) => [n.kind, n.recipientUserid, n.message]));

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importHonoursRoster(db.db);
  });
  afterAll(() => db.drop());

  it('counts active members only', async () => {
    const repo = new CommendationRepository(db.db);
    expect(await repo.activeMembersOfGb((await org('计算机学院党总支')).id)).toBe(42);
    expect(await repo.activeMembersOfGb((await org('数学学院党总支')).id)).toBe(7);
    expect(await repo.activeMembersOfGb((await org('物理学院党总支')).id)).toBe(6);
  });

  it('the December nudge goes to every GB secretary with the GB cap', async () => {
    const nudges = (await decideNotices({ db: db.db }, '2026-12-01', false)).filter((n) => n.kind === 'excellent_members_nudge');
    const by = (u: string) => JSON.stringify(nudges.find((n) => n.recipientUserid === u)?.message);
    expect(by('sunzongzhi')).toContain('本总支在册党员42人，今年可评优秀党员不超过6人');
    expect(by('chuzhishu')).toContain('本总支在册党员7人，今年可评优秀党员不超过1人');
    expect(by('hanzongzhi')).toContain('本总支在册党员6人，今年可评优秀党员不超过0人');
    expect(nudges.every((n) => n.period === '2026')).toBe(true);
    // Branch secretaries are not nudged for excellent members.
    expect(nudges.map((n) => n.recipientUserid)).not.toContain('zhouzhishu');
  });

  it('records a list, replaces it keeping numbers, and numbers continue', async () => {
    const names = ['zhangwei1', '吴生日', '冯无号'];
    const first = await recordGbList(env(), await gbSecretary(), names, null);
    expect(first.ok).toBe(true);
    const repo = new CommendationRepository(db.db);
    const gb = (await org('计算机学院党总支')).id;
    expect((await repo.gbList(gb, 2026)).map((e) => e.certificate_no)).toEqual(['计算机学院党总支〔2026〕第1号', '计算机学院党总支〔2026〕第2号', '计算机学院党总支〔2026〕第3号']);
    const again = await recordGbList(env(), await gbSecretary(), ['吴生日', '冯无号', '郑老党员'], null);
    expect(again.ok && again.zh).toContain('移出1人，新增1人');
    const list = await repo.gbList(gb, 2026);
    expect(list.map((e) => e.certificate_no)).toEqual(['计算机学院党总支〔2026〕第2号', '计算机学院党总支〔2026〕第3号', '计算机学院党总支〔2026〕第4号']);
    // Refused over the cap: nothing changes.
    const seven = await recordGbList(env(), await gbSecretary(), ['吴生日', '冯无号', '郑老党员', 'ji1', 'ji2', 'ji3', 'ji4'], null);
    expect(seven).toEqual({ ok: false, code: 'over_cap', zh: '未作登记。本总支在册党员42人，优秀党员最多6人，名单有7人。请调整名单后重新发送。' });
    expect((await repo.gbList(gb, 2026)).length).toBe(3);
  });

  it('the January reminder (1 January 2027: no holiday data yet, so a weekday) goes only to GBs without a list', async () => {
    const reminders = (await decideNotices({ db: db.db }, '2027-01-01', false)).filter((n) => n.kind === 'excellent_members_reminder');
    expect(reminders.map((n) => n.recipientUserid)).not.toContain('sunzongzhi');
    expect(reminders.map((n) => n.recipientUserid)).toEqual(expect.arrayContaining(['chuzhishu', 'hanzongzhi']));
    expect(reminders.every((n) => n.period === '2026')).toBe(true);
    expect(await text('2027-01-01')).toContain('提醒：2026年度优秀党员尚未评选');
  });

  it('committee picks: on-list recorded, out-of-list waits for a reason, then the list is final', async () => {
    const od = { memberId: await member('zhaozuzhi'), committeeId: await committee() };
    const found = await resolveMembers(db.db, od.committeeId, ['吴生日', '李明'], () => true, '全校');
    if (!found.ok) throw new Error(found.zh);
    const first = await recordCommitteePicks(env(), od, 2026, 'excellent_member', found.members, null);
    expect(first.waiting.map((m) => m.name)).toEqual(['李明']);
    const second = await recordCommitteePicks(env(), od, 2026, 'excellent_member', found.members, '抗洪抢险表现突出');
    expect(second.outcome.ok && second.outcome.ids.length).toBe(1);
    const final = await recordGbList(env(), await gbSecretary(), ['吴生日'], null);
    expect(final.ok ? '' : final.code).toBe('final');
    const special = await recordCommendation(env(), od, { year: 2026, kind: 'special', level: 'committee', cause: '抢险抗灾', member: found.members[1]!, organisation: null, certificateNo: 'QZ2026-001' });
    expect(special.ok).toBe(true);
    const dup = await recordCommendation(env(), od, { year: 2026, kind: 'special', level: 'committee', cause: '重大项目', member: found.members[0]!, organisation: null, certificateNo: 'QZ2026-001' });
    expect(dup.ok ? '' : dup.zh).toContain('证书编号QZ2026-001已被使用');
  });

  it('exports excellent and commendations rows with codes, filtered for a member viewer', async () => {
    const rows = await collectIncentive(db.db, 'excellent');
    const picks = rows.filter((r) => r.list === 'committee');
    expect(picks.map((r) => [r.member_name, r.kind, r.on_gb_list, r.reason])).toEqual([
      ['吴生日', 'excellent_member', true, null],
      ['李明', 'excellent_member', false, '抗洪抢险表现突出'],
    ]);
    expect(rows.filter((r) => r.list === 'gb').map((r) => r.certificate_no)).toEqual(['计算机学院党总支〔2026〕第2号', '计算机学院党总支〔2026〕第3号', '计算机学院党总支〔2026〕第4号']);
    const all = await collectIncentive(db.db, 'commendations');
    expect(all.find((r) => r.kind === 'special')).toMatchObject({ year: 2026, level: 'committee', cause: '抢险抗灾', member_account: 'liming', member_name: '李明', general_branch: '机关党总支', certificate_no: 'QZ2026-001', recorded_by_account: 'zhaozuzhi' });
    // The branch secretary of 教工第一党支部 sees its members only (not 李明 of 机关党总支); a plain member their own.
    const zhou = { kind: 'member' as const, memberId: await member('zhouzhishu'), roles: [{ role: 'branch_secretary' as const, organisationId: (await org('教工第一党支部')).id }] };
    const seen = await collectIncentive(db.db, 'commendations', { viewer: zhou });
    expect(new Set(seen.map((r) => r.member_name))).toEqual(new Set(['吴生日', '冯无号', '郑老党员']));
    const wu = viewerOf({ memberId: await member('wushengri'), roles: [] });
    expect((await collectIncentive(db.db, 'excellent', { viewer: wu })).map((r) => r.member_name)).toEqual(['吴生日', '吴生日']);
    const parts: Buffer[] = [];
    for await (const b of incentiveExportBytes(db.db, 'excellent', 'csv')) parts.push(b);
    const csv = Buffer.concat(parts).toString('utf8');
    expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('year,general_branch,member_account,member_name,list,kind,on_gb_list,reason,certificate_no,recorded_by_account,recorded_by_name,recorded_at');
    expect(csv).toContain('李明,committee,excellent_member,false,抗洪抢险表现突出');
  });
});
