// Issue 9.2: one duplicate reminder failed the whole day's sweep and lost the day's greetings. Reminders that a
// weekend would push onto the due day are now one step; and one notice family that fails no longer takes
// the others down: the rest is written, the OD is told, the day is swept again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { daysToSweep, decideNotices, runSweep, type SweepDeps } from '../../src/notices/sweep.ts';
import { reportTrigger } from '../../src/care/obligations.ts';
import { sweepTestDeps } from '../helpers/sweep-deps.ts';
import { memoryLogger } from '../helpers/stack.ts';
import { isDatabaseUnavailable } from '../../src/db/unavailable.ts';

const TZ = 'Asia/Shanghai';
// A member whose political birthday is Monday 7 December.
const ROWS = [...CARE_ROWS, '冬生日,dongshengri,女,1992-02-02,2014-12-07,2015-12-07,计算机学院党总支,教工第一党支部,,,'];

describe.each(DB_KINDS)('sweep families on %s', (kind) => {
  let db: TestDb;
  let now: Date;
  const deps = (): SweepDeps => sweepTestDeps(db.db, () => now);
  const id = async (u: string) => (await db.db.selectFrom('members').select('id').where('userid', '=', u).executeTakeFirstOrThrow()).id;
  const notices = (k: string) => db.db.selectFrom('notices').select(['kind', 'subject', 'period']).where('kind', 'like', k).orderBy('id').execute();

  beforeEach(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db, ROWS);
    // A hospitalisation reported on Monday 30 November: the branch owes a visit by Monday 7 December.
    const wu = await id('wushengri');
    const zhou = await id('zhouzhishu');
    await db.db.transaction().execute((trx) => reportTrigger(trx, { memberId: wu, reason: 'hospitalised', occurredOn: '2026-11-30', note: '', reportedBy: zhou, today: '2026-11-30' }));
  });
  afterEach(() => db.drop());

  it('the "2 days before" reminder goes on Friday; the due day has one reminder and its greetings', async () => {
    now = new Date('2026-12-04T00:50:00Z');
    const friday = await runSweep(deps(), '2026-12-04');
    expect(friday.failed).toEqual([]);
    expect((await notices('obligation_%')).map((n) => n.kind)).toEqual(['obligation_due_soon']);

    const planned = await decideNotices({ db: db.db }, '2026-12-07', false);
    expect(planned.filter((n) => n.kind.startsWith('obligation_')).map((n) => n.kind)).toEqual(['obligation_due_today']);
    now = new Date('2026-12-07T00:50:00Z');
    const monday = await runSweep(deps(), '2026-12-07');
    expect(monday.failed).toEqual([]);
    expect((await notices('obligation_%')).map((n) => n.kind)).toEqual(['obligation_due_soon', 'obligation_due_today']);
    expect((await notices('birthday_greeting')).map((n) => n.subject)).toEqual([`member-${await id('dongshengri')}`]);
    const day = await db.db.selectFrom('sweep_days').select(['failed_families']).where('on_date', '=', '2026-12-07').executeTakeFirstOrThrow();
    expect(day.failed_families).toEqual([]);
  });

  it('a family that fails leaves the others written, tells the OD, and the day is swept again', async () => {
    // The reminders' writes fail (as the duplicate did); greetings must still go out.
    await sql`create function refuse_reminders() returns trigger language plpgsql as $$
      begin if new.kind like 'obligation_%' then raise exception 'reminders refused for the test'; end if; return new; end $$`.execute(db.db);
    await sql`create trigger refuse_reminders before insert on notices for each row execute function refuse_reminders()`.execute(db.db);
    now = new Date('2026-12-07T00:50:00Z');
    const first = await runSweep(deps(), '2026-12-07');
    expect(first.failed).toEqual(['obligation_reminders']);
    expect((await notices('birthday_greeting'))).toHaveLength(1);
    expect(await notices('obligation_%')).toEqual([]);
    const incomplete = await db.db.selectFrom('notices').select(['recipient_member_id', 'subject']).where('kind', '=', 'sweep_incomplete').execute();
    expect(incomplete).toEqual([{ recipient_member_id: await id('zhaozuzhi'), subject: 'family-obligation_reminders' }]);
    const message = await db.db.selectFrom('deliveries').select('message').where('recipient', '=', 'zhaozuzhi').where('idempotency_key', 'like', 'notice-%').where(sql<boolean>`message::text like '%未能生成%'`).executeTakeFirstOrThrow();
    expect(JSON.stringify(message.message)).toContain('12月7日的“谈心走访待办提醒与督办”未能生成');

    // The next morning the failed day is due again, beside the new one.
    expect(await daysToSweep(db.db, new Date('2026-12-08T01:00:00Z'), TZ, 7)).toEqual(['2026-12-07', '2026-12-08']);
    await sql`drop trigger refuse_reminders on notices`.execute(db.db);
    const again = await runSweep(deps(), '2026-12-07');
    expect(again.failed).toEqual([]);
    expect((await notices('obligation_%')).map((n) => n.kind)).toEqual(['obligation_due_today']);
    expect(await notices('birthday_greeting')).toHaveLength(1);
    expect(await notices('sweep_incomplete')).toHaveLength(1);
    expect(await daysToSweep(db.db, new Date('2026-12-08T01:00:00Z'), TZ, 7)).toEqual(['2026-12-08']);
  });

  it('the database going away mid-sweep is an outage, not a failed family: warned, thrown for the job to wait out, swept again', async () => {
    // The reminders' writes meet "terminating connection due to administrator command" (57P01, a restart).
    await sql`create function restart_on_reminders() returns trigger language plpgsql as $$
      begin if new.kind like 'obligation_%' then raise exception 'terminating connection due to administrator command' using errcode = 'admin_shutdown'; end if; return new; end $$`.execute(db.db);
    await sql`create trigger restart_on_reminders before insert on notices for each row execute function restart_on_reminders()`.execute(db.db);
    now = new Date('2026-12-07T00:50:00Z');
    const logged = memoryLogger('debug');
    const error = await runSweep({ ...deps(), log: logged.log }, '2026-12-07').then(() => undefined, (err: unknown) => err);
    expect(isDatabaseUnavailable(error)).toBe(true);
    const levels = logged.lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(levels.filter((l) => l.level >= 50)).toEqual([]);
    expect(levels.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['sweep: database unavailable; the day will be swept again']);
    // Nobody is told a family failed, and the day is not recorded as swept: the job's next run sweeps it.
    expect(await notices('sweep_incomplete')).toEqual([]);
    expect(await db.db.selectFrom('sweep_days').select('on_date').where('on_date', '=', '2026-12-07').execute()).toEqual([]);
    expect(await notices('birthday_greeting')).toHaveLength(1);

    await sql`drop trigger restart_on_reminders on notices`.execute(db.db);
    const again = await runSweep(deps(), '2026-12-07');
    expect(again.failed).toEqual([]);
    expect((await notices('obligation_%')).map((n) => n.kind)).toEqual(['obligation_due_today']);
    expect(await notices('birthday_greeting')).toHaveLength(1);
  });
});
