// Issue 12, section 2, against a real database (PostgreSQL and PGlite): the May/November verification's SQL and
// rules together — the nudge with the GB's list and its first card to whoever answers for each GB (a vacant GB:
// the OD), entries confirmed (new causes change the entry), archived (pairings end, the helper and the member
// are told) and added (consent attested by the GB secretary), a typed list applied whole or not at all, the
// access rule on every entry, the submission (unmarked entries confirmed by default, the report stored once,
// one message per GB to the OD, the summary when the last GB reports), and the 15th/25th/last-working-day
// notices going only to GBs that have not submitted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { decideNotices } from '../../src/notices/sweep.ts';
import { matchVerification, type VerificationLine } from '../../src/assistance/verification-phrases.ts';
import { applyChanges, markEntry, resolveLines, submitVerification, verifierNamed, type VerificationContext, type Verifier } from '../../src/assistance/verification.ts';
import { HardshipVerificationRepository } from '../../src/db/hardship-verification-repository.ts';
import type { Database } from '../../src/db/schema.ts';
import type { Transaction } from 'kysely';

/** Namesakes (王芳 in two branches), 张伟, and a branch without a secretary. */
const MORE_ROWS = [
  '王芳,wangfang1,女,1970-01-01,1995-01-01,1996-01-01,计算机学院党总支,教工第一党支部,,,',
  '王芳,wangfang2,女,1972-01-01,1996-01-01,1997-01-01,计算机学院党总支,学生党支部,,,',
  '张伟,zhangwei,男,1960-01-01,1985-01-01,1986-01-01,计算机学院党总支,学生党支部,,,',
];

describe.each(DB_KINDS)('the May/November verification on %s (issue 12, section 2)', (kind) => {
  let db: TestDb;
  const now = new Date('2026-11-02T02:00:00Z'); // 10:00 on Monday 2 November, the first working day
  const today = '2026-11-02';
  const period = '2026-11';
  const member = async (u: string) => (await db.db.selectFrom('members').select('id').where('userid', '=', u).executeTakeFirstOrThrow()).id;
  const org = async (name: string) => (await db.db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const entryOf = async (u: string) =>
    db.db.selectFrom('hardship_registry').selectAll().where('member_id', '=', await member(u)).orderBy('id', 'desc').executeTakeFirstOrThrow();
  const inTrx = <T>(fn: (c: VerificationContext, trx: Transaction<Database>) => Promise<T>) =>
    db.db.transaction().execute((trx) => fn({ trx, now, today, timeZone: 'Asia/Shanghai' }, trx));
  const verifier = (u: string) => inTrx(async (_c, trx) => (await verifierNamed(trx, u))!);
  const lines = (text: string): VerificationLine[] => {
    const m = matchVerification(text);
    if (m?.kind !== 'batch') throw new Error(`not a batch: ${text}`);
    return m.lines;
  };
  const approve = async (u: string, causes: Array<'illness' | 'old_age' | 'disability' | 'frailty'>) =>
    db.db.insertInto('hardship_registry').values({ member_id: await member(u), causes, status: 'approved', source: 'self', decided_at: now }).execute();
  let sun: Verifier;
  let cs: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db, [...CARE_ROWS, ...MORE_ROWS]);
    await approve('wangfang1', ['illness']);
    await approve('wangfang2', ['disability']);
    await approve('zhangwei', ['old_age']);
    await approve('zhenglao', ['old_age']);
    await approve('sunzongzhi', ['frailty']); // the GB secretary himself
    await approve('chenbiezhi', ['illness']);
    // 吴生日 helps 王芳 (学生党支部): the pairing ends when her entry is archived.
    const e = await entryOf('wangfang2');
    await db.db.insertInto('pairings').values({ member_id: e.member_id, entry_id: e.id, helper_member_id: await member('wushengri'), started_on: '2026-06-01' }).execute();
    sun = await verifier('sunzongzhi');
    cs = await org('计算机学院党总支');
  });
  afterAll(() => db.drop());

  it('the first working day: each GB secretary gets the list with causes and the first card; a vacant GB goes to the OD', async () => {
    const nudges = (await decideNotices({ db: db.db }, today, false)).filter((n) => n.kind === 'hardship_review_nudge');
    expect([...new Set(nudges.map((n) => n.recipientUserid))].sort()).toEqual(['chuzhishu', 'sunzongzhi', 'zhaozuzhi']);
    const toSun = nudges.filter((n) => n.recipientUserid === 'sunzongzhi');
    expect(toSun.map((n) => [n.subject, n.message.type])).toEqual([
      [`gb-${cs}`, 'markdown'],
      [`gb-${cs}-cards`, 'card'],
    ]);
    const list = JSON.stringify(toSun[0]!.message);
    for (const expected of ['共 5 名', '王芳（教工第一党支部；患病；未核实）', '王芳（学生党支部；残疾；未核实）', '张伟（学生党支部；年老；未核实）', '孙总支']) expect(list).toContain(expected);
    expect(list).not.toContain('陈别支'); // another GB's member in hardship
    const card = toSun[1]!.message;
    if (card.type !== 'card') throw new Error('card');
    expect(card.card.title).toBe('11月困难党员核实（1/3）');
    expect(card.card.buttons).toHaveLength(6);
    // 机关党总支 has no GB secretary: the OD gets its list, saying so.
    const jiguan = await org('机关党总支');
    const toOd = nudges.filter((n) => n.recipientUserid === 'zhaozuzhi' && n.subject === `gb-${jiguan}`);
    expect(JSON.stringify(toOd[0]!.message)).toContain('机关党总支暂无党总支书记，此项工作由您代为安排');
    expect(JSON.stringify(toOd[0]!.message)).toContain('目前没有生活困难党员');
  });

  it('仍困难 with new causes changes the entry and records causes before and after', async () => {
    const zhang = await entryOf('zhangwei');
    const out = await inTrx((c) => markEntry(c, { entryId: zhang.id, period, verifier: sun, action: 'confirm', causes: ['illness', 'old_age'] }));
    expect(out).toMatchObject({ ok: true, done: 'causes_changed', causesBefore: ['old_age'], causesAfter: ['old_age', 'illness'] });
    expect((await entryOf('zhangwei')).causes).toEqual(['old_age', 'illness']);
    // Pressed again with no causes: already recorded, nothing changes, the original "before" is kept.
    const again = await inTrx((c) => markEntry(c, { entryId: zhang.id, period, verifier: sun, action: 'confirm', causes: [] }));
    expect(again).toMatchObject({ ok: true, done: 'already' });
    const item = await db.db.selectFrom('hardship_review_items').selectAll().where('entry_id', '=', zhang.id).executeTakeFirstOrThrow();
    expect(item).toMatchObject({ action: 'confirmed', causes_before: ['old_age'], causes_after: ['old_age', 'illness'], by_default: false, period });
    expect(String(item.general_branch_id)).toBe(cs);
  });

  it('nobody else may mark the entry: another GB secretary, a GB committee member, a plain member; nor the secretary his own', async () => {
    const zheng = await entryOf('zhenglao');
    for (const who of ['chuzhishu', 'zhouzhishu', 'wushengri']) {
      const other = await verifier(who);
      const out = await inTrx(async (c) => markEntry(c, { entryId: zheng.id, period, verifier: other, action: 'archive', reason: '' }));
      expect(out, who).toEqual({ ok: false, refusal: 'not_allowed' });
    }
    // A made-up entry id gets the same answer (nothing about entries leaks).
    expect(await inTrx((c) => markEntry(c, { entryId: '99999999', period, verifier: sun, action: 'confirm', causes: [] }))).toEqual({ ok: false, refusal: 'not_allowed' });
    const own = await entryOf('sunzongzhi');
    expect(await inTrx((c) => markEntry(c, { entryId: own.id, period, verifier: sun, action: 'archive', reason: '' }))).toMatchObject({ ok: false, refusal: 'self' });
    expect((await entryOf('zhenglao')).status).toBe('approved');
  });

  it('a typed list with any unclear line changes nothing and says which line and why', async () => {
    const before = await db.db.selectFrom('hardship_registry').select(['id', 'status', 'causes']).orderBy('id').execute();
    const { changes, problems } = await inTrx(async (_c, trx) =>
      resolveLines(trx, {
        lines: lines('王芳 已好转；新增 冯无号 残；李白 仍困难；新增 王今年；陈别支 已好转；孙总支 仍困难 病；新增 郑老党员 老；吴生日 已好转'),
        generalBranches: await new HardshipVerificationRepository(trx).generalBranches(period).then((g) => g.filter((x) => x.id === cs)),
        period,
        verifier: sun,
      }),
    );
    expect(changes.map((c) => c.kind)).toEqual(['add']);
    expect(problems.map((p) => [p.line, p.why])).toEqual([
      [1, expect.stringMatching(/^有 2 位“王芳”（(学生党支部、教工第一党支部|教工第一党支部、学生党支部)），请写明支部，如“王芳（.+党支部） 已好转”$/)],
      [3, '您核实的党总支名册中没有“李白”，请核对姓名'],
      [4, '请写明王今年的困难原因，如“新增 王今年 病”'],
      [5, '您核实的党总支名册中没有“陈别支”，请核对姓名'],
      [6, '本人的信息不能由本人核实，请报党委组织部办理'],
      [7, '郑老党员已在名单中；如原因有变化，请写“郑老党员 仍困难 新原因”'],
      [8, '吴生日不在本期生活困难党员名单中'],
    ]);
    expect(await db.db.selectFrom('hardship_registry').select(['id', 'status', 'causes']).orderBy('id').execute()).toEqual(before);
  });

  it('a clear list is applied: 已好转 archives (reason kept, pairing ended, helper and member told), 新增 adds with consent attested', async () => {
    const { applied, notices } = await inTrx(async (c, trx) => {
      const gbs = (await new HardshipVerificationRepository(trx).generalBranches(period)).filter((x) => x.id === cs);
      const r = await resolveLines(trx, { lines: lines('王芳（学生党支部） 已好转，已再就业；新增 冯无号 残；郑老党员 仍困难'), generalBranches: gbs, period, verifier: sun });
      expect(r.problems).toEqual([]);
      return applyChanges(c, { changes: r.changes, period, verifier: sun });
    });
    expect(applied.map((a) => [a.name, a.branch, a.what])).toEqual([
      ['王芳', '学生党支部', '已好转，已归档（已再就业）'],
      ['冯无号', '教工第一党支部', '新增（残疾）'],
      ['郑老党员', '教工第一党支部', '仍困难'],
    ]);
    const archived = await entryOf('wangfang2');
    expect(archived).toMatchObject({ status: 'archived', archive_reason: '已再就业' });
    expect(String(archived.archived_by_member_id)).toBe(sun.person.memberId);
    const pairing = await db.db.selectFrom('pairings').select(['ended_on', 'ended_reason']).where('entry_id', '=', archived.id).executeTakeFirstOrThrow();
    expect(pairing.ended_reason).toBe('entry_archived');
    expect(notices.map((n) => n.recipient).sort()).toEqual(['wangfang2', 'wushengri']); // 冯无号 has no account
    expect(JSON.stringify(notices.find((n) => n.recipient === 'wushengri')!.message)).toContain('结对帮扶已结束');
    const feng = await db.db.selectFrom('hardship_registry').innerJoin('members', 'members.id', 'hardship_registry.member_id').selectAll('hardship_registry').where('members.name', '=', '冯无号').executeTakeFirstOrThrow();
    expect(feng).toMatchObject({ status: 'approved', source: 'branch', causes: ['disability'], consent_recorded: true, consent_attested: true });
    expect(String(feng.consent_by_member_id)).toBe(sun.person.memberId);
    expect(String(feng.decided_by_member_id)).toBe(sun.person.memberId);
  });

  it('核实完毕: the rest confirmed by default, the report stored with what changed, the OD told once; a second submission is answered', async () => {
    const out = await inTrx((c) => submitVerification(c, { gbId: cs, period, verifier: sun, note: '' }));
    if (!out.ok) throw new Error(JSON.stringify(out));
    expect(out.confirmedNow).toBe(2); // 王芳 (教工第一党支部) and the secretary's own entry
    expect(out.summary.verifiedCount).toBe(5);
    expect(out.summary.changes.added.map((a) => [a.name, a.causes])).toEqual([['冯无号', ['disability']]]);
    expect(out.summary.changes.archived.map((a) => [a.name, a.reason])).toEqual([['王芳', '已再就业']]);
    expect(out.summary.changes.causesChanged.map((a) => [a.name, a.before, a.after])).toEqual([['张伟', ['old_age'], ['old_age', 'illness']]]);
    // One message to the OD (the only od_staff); not every GB has reported, so no summary yet.
    expect(out.notices.map((n) => [n.recipient, n.onceKey])).toEqual([['zhaozuzhi', `hv-report-${cs}-${period}-${await member('zhaozuzhi')}`]]);
    const review = await db.db.selectFrom('hardship_reviews').selectAll().where('general_branch_id', '=', cs).executeTakeFirstOrThrow();
    expect(review).toMatchObject({ period, verified_count: 5 });
    expect(review.submitted_at.toISOString()).toBe(now.toISOString());
    expect((review.changes as { added: Array<{ name: string }> }).added[0]!.name).toBe('冯无号');
    const byDefault = await db.db.selectFrom('hardship_review_items').select('entry_id').where('by_default', '=', true).execute();
    expect(byDefault).toHaveLength(2);

    expect(await inTrx((c) => submitVerification(c, { gbId: cs, period, verifier: sun, note: '' }))).toMatchObject({ ok: false, refusal: 'submitted', submitted: { by: '孙总支', on: today } });
    expect((await db.db.selectFrom('hardship_reviews').select('period').execute()).length).toBe(1);
    const zheng = await entryOf('zhenglao');
    expect(await inTrx((c) => markEntry(c, { entryId: zheng.id, period, verifier: sun, action: 'archive', reason: '' }))).toMatchObject({ ok: false, refusal: 'submitted' });
  });

  it('the 15th and 25th go only to GBs that have not submitted; the last working day lists them with the others\' totals', async () => {
    const reminders = (await decideNotices({ db: db.db }, '2026-11-16', false)).filter((n) => n.kind === 'hardship_review_reminder');
    expect(reminders.map((n) => n.recipientUserid).sort()).toEqual(['chuzhishu', 'zhaozuzhi']);
    expect(JSON.stringify(reminders.find((n) => n.recipientUserid === 'chuzhishu')!.message)).toContain('名单现有 1 名，尚有 1 名未核实');
    const on25th = (await decideNotices({ db: db.db }, '2026-11-25', false)).filter((n) => n.kind === 'hardship_review_reminder');
    expect(on25th.map((n) => n.recipientUserid).sort()).toEqual(['chuzhishu', 'zhaozuzhi']);
    const escalation = (await decideNotices({ db: db.db }, '2026-11-30', false)).filter((n) => n.kind === 'hardship_review_escalation');
    expect(escalation.map((n) => n.recipientUserid)).toEqual(['zhaozuzhi']);
    const text = JSON.stringify(escalation[0]!.message);
    expect(text).toContain('以下 2 个党总支尚未上报');
    expect(text).toContain('数学学院党总支');
    expect(text).toContain('机关党总支');
    expect(text).not.toContain('计算机学院党总支');
    expect(text).toContain('已上报 1 个党总支，核实后生活困难党员共 5 名；新增 1 名、归档 1 名、原因变更 1 名。');
  });

  it('the last GB to report brings the OD the summary; then the last working day has nothing to escalate', async () => {
    const math = await org('数学学院党总支');
    const jiguan = await org('机关党总支');
    const [chu, qian, zhao] = [await verifier('chuzhishu'), await verifier('qianweiyuan'), await verifier('zhaozuzhi')];
    const first = await inTrx(async (c) => submitVerification(c, { gbId: math, period, verifier: chu, note: '' }));
    expect(first.ok && first.notices.map((n) => n.onceKey!.split('-').slice(0, 2).join('-'))).toEqual(['hv-report']);
    // The OD submits for the vacant 机关党总支 (nobody else may: its GB member 钱委员 holds no GB office).
    expect(await inTrx(async (c) => submitVerification(c, { gbId: jiguan, period, verifier: qian, note: '' }))).toEqual({ ok: false, refusal: 'not_allowed' });
    const last = await inTrx(async (c) => submitVerification(c, { gbId: jiguan, period, verifier: zhao, note: '' }));
    if (!last.ok) throw new Error('submitted');
    expect(last.notices.map((n) => n.onceKey!.split('-').slice(0, 2).join('-'))).toEqual(['hv-report', 'hv-summary']);
    const summary = JSON.stringify(last.notices[1]!.message);
    expect(summary).toContain('3 个党总支均已上报，核实后生活困难党员共 6 名；新增 1 名、归档 1 名、原因变更 1 名。');
    expect((await decideNotices({ db: db.db }, '2026-11-30', false)).filter((n) => n.kind.startsWith('hardship_review'))).toEqual([]);
    const gbs = await new HardshipVerificationRepository(db.db).generalBranches(period);
    expect(gbs.map((g) => [g.name, g.verifiedCount, g.submittedByName]).sort()).toEqual([
      ['数学学院党总支', 1, '褚支书'],
      ['机关党总支', 0, '赵组织'],
      ['计算机学院党总支', 5, '孙总支'],
    ].sort());
  });
});
