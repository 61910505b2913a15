// Issue 12 §1 (point 9) against a real database (PostgreSQL and PGlite): the daily sweep's reminders of open
// assistance tasks (notices/planners/assistance-tasks.ts). The owner gets the card that does it 2 days before and
// on the due day; one level up is told at +3 (a member's own consent: their branch secretary), the OD at +7 —
// once each. A GB secretary's own application is reviewed, and reminded, one level up; a GB without a secretary
// passes to the OD; nobody above the OD (the committee secretary may not see hardship) is told; a closed task is
// reminded no more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { sweepTestDeps } from '../helpers/sweep-deps.ts';
import { decideNotices, runSweep } from '../../src/notices/sweep.ts';
import { findMemberByUserid } from '../../src/roster/responsibility.ts';
import { applyForHardship, decideHardship, recommendForHardship, type RegistryActing, type RegistryOutcome } from '../../src/assistance/registry-service.ts';

/** A general branch with members and no secretary: its reviews pass to the OD. */
const PHYSICS = ['秦物理,qinwuli,男,1950-01-01,1975-07-01,1976-07-01,物理学院党总支,物理教工党支部,,,'];

describe.each(DB_KINDS)('assistance task reminders on %s (issue 12 §1, point 9)', (kind) => {
  let db: TestDb;
  const entries: Record<string, string> = {};
  const step = async (userid: string, run: (a: RegistryActing) => Promise<RegistryOutcome>, at = '2026-11-25T02:00:00Z'): Promise<string> => {
    const actor = (await findMemberByUserid(db.db, userid))!;
    const now = new Date(at);
    const out = await db.db.transaction().execute((trx) => run({ db: trx, actor, now, today: at.slice(0, 10), timeZone: 'Asia/Shanghai' }));
    if (!out.ok) throw new Error(out.message);
    return out.entry.id;
  };
  const onDay = async (day: string) =>
    (await decideNotices({ db: db.db }, day, false))
      .filter((n) => n.subject.startsWith('assistance-'))
      .map((n) => ({ kind: n.kind, to: n.recipientUserid, message: JSON.stringify(n.message) }));
  const about = (notices: Awaited<ReturnType<typeof onDay>>, name: string) => notices.filter((n) => n.message.includes(name)).map((n) => [n.kind, n.to]);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db, [...CARE_ROWS, ...PHYSICS]);
    const zheng = (await db.db.selectFrom('members').select('id').where('userid', '=', 'zhenglao').executeTakeFirstOrThrow()).id;
    // Wednesday 25 November: four steps open, all due Wednesday 2 December.
    entries.wu = await step('wushengri', (a) => applyForHardship(a, { causes: ['illness'], note: '' }));
    entries.zheng = await step('zhouzhishu', (a) => recommendForHardship(a, { memberId: zheng, causes: ['old_age'], note: '', attested: false }));
    entries.sun = await step('sunzongzhi', (a) => applyForHardship(a, { causes: ['disability'], note: '' }));
    entries.qin = await step('qinwuli', (a) => applyForHardship(a, { causes: ['disaster'], note: '' }));
  });
  afterAll(() => db.drop());

  it('two days before (Monday 30 November): each owner gets the card with the buttons that do it', async () => {
    const n = await onDay('2026-11-30');
    expect(about(n, '吴生日')).toEqual([['assistance_due_soon', 'sunzongzhi']]);
    expect(about(n, '郑老党员')).toEqual([['assistance_due_soon', 'zhenglao']]);
    // The GB secretary's own application: the OD reviews it, and says why.
    expect(about(n, '孙总支')).toEqual([['assistance_due_soon', 'zhaozuzhi']]);
    expect(n.find((x) => x.message.includes('孙总支'))!.message).toContain('孙总支同志本人为计算机学院党总支书记，由您代办。');
    // A GB without a secretary: the OD, saying so.
    expect(about(n, '秦物理')).toEqual([['assistance_due_soon', 'zhaozuzhi']]);
    expect(n.find((x) => x.message.includes('秦物理'))!.message).toContain('物理学院党总支暂无党总支书记，由您代办。');
    const consent = JSON.parse(n.find((x) => x.to === 'zhenglao')!.message);
    expect(consent.card.buttons.map((b: { text: string; actionKey: string }) => [b.text, b.actionKey])).toEqual([
      ['同意', `hsconsent-${entries.zheng}`],
      ['不同意', `hsdecline-${entries.zheng}`],
    ]);
    const review = JSON.parse(n.find((x) => x.to === 'sunzongzhi')!.message);
    expect(review.card.buttons.map((b: { text: string }) => b.text)).toEqual(['通过', '不通过']);
    expect(n).toHaveLength(4);
  });

  it('nothing on the days between', async () => {
    expect(await onDay('2026-12-01')).toEqual([]);
  });

  it('on the due day (2 December) the owners again; a task closed before is reminded no more', async () => {
    await step('zhaozuzhi', (a) => decideHardship(a, { entryId: entries.qin!, outcome: 'approved', reason: '' }), '2026-12-01T02:00:00Z');
    const n = await onDay('2026-12-02');
    expect(n.map((x) => [x.kind, x.to]).sort()).toEqual([
      ['assistance_due_today', 'sunzongzhi'],
      ['assistance_due_today', 'zhaozuzhi'],
      ['assistance_due_today', 'zhenglao'],
    ]);
    expect(about(n, '秦物理')).toEqual([]);
  });

  it('3 days overdue (Monday 7 December): one level up — the OD for a GB\'s review, the branch secretary for a member\'s consent; nobody above the OD', async () => {
    const n = await onDay('2026-12-07');
    expect(about(n, '吴生日')).toEqual([['assistance_overdue_3', 'zhaozuzhi']]);
    expect(about(n, '郑老党员')).toEqual([['assistance_overdue_3', 'zhouzhishu']]);
    expect(about(n, '孙总支')).toEqual([]);
    expect(n.map((x) => x.to)).not.toContain('lishuji');
    expect(n.find((x) => x.to === 'zhouzhishu')!.message).toContain('应于12月2日前由郑老党员本人办理');
  });

  it('7 days overdue (Wednesday 9 December): the OD, for each', async () => {
    const n = await onDay('2026-12-09');
    expect(n.map((x) => [x.kind, x.to])).toEqual([
      ['assistance_overdue_7', 'zhaozuzhi'],
      ['assistance_overdue_7', 'zhaozuzhi'],
      ['assistance_overdue_7', 'zhaozuzhi'],
    ]);
  });

  it('each step once: a second sweep of the same day records nothing more', async () => {
    let now = new Date('2026-11-30T01:00:00Z');
    const deps = sweepTestDeps(db.db, () => now);
    await runSweep(deps, '2026-11-30');
    const count = async () => (await db.db.selectFrom('notices').select('id').where('subject', 'like', 'assistance-%').execute()).length;
    // 孙总支 and 吴生日's reviews, 郑老党员's consent (秦物理's was closed before this sweep ran).
    expect(await count()).toBe(3);
    now = new Date('2026-11-30T05:00:00Z');
    await runSweep(deps, '2026-11-30');
    expect(await count()).toBe(3);
  });
});
