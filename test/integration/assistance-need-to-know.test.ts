// Issue 12 §5 (need to know) on PostgreSQL and PGlite: whoever is told about a member's emergency aid or hardship
// recommendation besides the member must still be allowed to see it when told. The secretary who applied or
// recommended is told each outcome — unless, since then, they have left the office (a roster import moved them):
// then they are told nothing more, the member and the offices now holding the case are.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { createWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { accessPersonOf, findMemberByUserid } from '../../src/roster/responsibility.ts';
import { answerConsent as answerAidConsent, applyForAid, decideAid, giveOpinion, recordAidPaid, type AidActor, type AidEnv } from '../../src/assistance/emergency-aid.ts';
import { answerConsent, recommendForHardship, type RegistryActing } from '../../src/assistance/registry-service.ts';

const TODAY = '2026-11-25';
const NOW = new Date('2026-11-25T02:00:00Z');
const calendar = createWorkingDayCalendar({ holidays: [], workdays: [] });
/** 韩支书 is the secretary of 教工第三党支部 (and nothing else), 秦困难 a member of it. */
const ROWS = [
  '韩支书,hanzhishu,男,1980-01-01,2005-07-01,2006-07-01,计算机学院党总支,教工第三党支部,支部书记,,',
  '秦困难,qinkunnan,女,1970-01-01,1995-07-01,1996-07-01,计算机学院党总支,教工第三党支部,,,',
];

describe.each(DB_KINDS)('need to know when telling (issue 12 §5) on %s', (kind) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db, [...CARE_ROWS, ...ROWS]);
  });
  afterEach(() => db.drop());

  const aidActor = async (userid: string): Promise<AidActor> => {
    const who = (await findMemberByUserid(db.db, userid))!;
    return { memberId: who.memberId, name: who.name, person: accessPersonOf(who) };
  };
  const inTrx = <T>(fn: (env: AidEnv) => Promise<T>) => db.db.transaction().execute((trx) => fn({ trx, now: NOW, today: TODAY, calendar }));
  const asRegistry = async <T>(userid: string, fn: (a: RegistryActing) => Promise<T>) => {
    const actor = (await findMemberByUserid(db.db, userid))!;
    return db.db.transaction().execute((trx) => fn({ db: trx, actor, now: NOW, today: TODAY, timeZone: 'Asia/Shanghai' }));
  };
  /** 韩支书 leaves the office (a roster import would drop the role): a plain member from now on. */
  const hanLeavesOffice = async () => {
    const han = (await findMemberByUserid(db.db, 'hanzhishu'))!;
    await db.db.deleteFrom('member_roles').where('member_id', '=', han.memberId).execute();
  };

  it('an emergency aid: the applying secretary hears the consent while in office, and nothing after leaving it', async () => {
    const han = await aidActor('hanzhishu');
    const qin = await aidActor('qinkunnan');
    const applied = await inTrx((env) => applyForAid(env, han, { memberId: qin.memberId, cause: 'serious_illness', note: '住院手术', requestedFen: 300_000, attested: false }));
    if (!applied.ok) throw new Error(applied.reply);
    const consented = await inTrx((env) => answerAidConsent(env, qin, applied.aid.id, true));
    if (!consented.ok) throw new Error(consented.reply);
    expect(consented.notices.map((n) => n.recipient).sort()).toEqual(['hanzhishu', 'sunzongzhi']);

    await hanLeavesOffice();
    const sun = await aidActor('sunzongzhi');
    const opinion = await inTrx((env) => giveOpinion(env, sun, applied.aid.id, true, ''));
    if (!opinion.ok) throw new Error(opinion.reply);
    expect(opinion.notices.map((n) => n.recipient).sort()).toEqual(['qinkunnan', 'zhaozuzhi']);
    // PGlite has one connection: actors are read before a transaction opens.
    const zhao = await aidActor('zhaozuzhi');
    const decided = await inTrx((env) => decideAid(env, zhao, applied.aid.id, 250_000, ''));
    if (!decided.ok) throw new Error(decided.reply);
    // The member and the GB secretary who gave the opinion hear the amount; the OD gets the payment card.
    expect(decided.notices.map((n) => n.recipient).sort()).toEqual(['qinkunnan', 'sunzongzhi', 'zhaozuzhi']);
    const paid = await inTrx((env) => recordAidPaid(env, zhao, applied.aid.id));
    if (!paid.ok) throw new Error(paid.reply);
    expect(paid.notices.map((n) => n.recipient)).toEqual(['qinkunnan']);
  });

  it('the GB secretary who gave the opinion, no longer holding the office, does not hear the decision', async () => {
    const qin = await aidActor('qinkunnan');
    const applied = await inTrx((env) => applyForAid(env, qin, { memberId: qin.memberId, cause: 'schooling', note: '', requestedFen: 100_000, attested: false }));
    if (!applied.ok) throw new Error(applied.reply);
    const sun = await aidActor('sunzongzhi');
    const opinion = await inTrx((env) => giveOpinion(env, sun, applied.aid.id, true, ''));
    expect(opinion.ok).toBe(true);
    await db.db.deleteFrom('member_roles').where('member_id', '=', sun.memberId).execute();
    const zhao = await aidActor('zhaozuzhi');
    const decided = await inTrx((env) => decideAid(env, zhao, applied.aid.id, null, '不符合条件'));
    if (!decided.ok) throw new Error(decided.reply);
    expect(decided.notices.map((n) => n.recipient)).toEqual(['qinkunnan']);
  });

  it('a hardship recommendation: the recommender who has left the office is not told the member\'s answer', async () => {
    const qin = (await findMemberByUserid(db.db, 'qinkunnan'))!;
    const recommended = await asRegistry('hanzhishu', (a) => recommendForHardship(a, { memberId: qin.memberId, causes: ['illness'], note: '', attested: false }));
    if (!recommended.ok) throw new Error(recommended.message);
    await hanLeavesOffice();
    const agreed = await asRegistry('qinkunnan', (a) => answerConsent(a, { entryId: recommended.entry.id, agree: true }));
    if (!agreed.ok) throw new Error(agreed.message);
    // The GB's review card only: not the former secretary.
    expect(agreed.notices.map((n) => n.to)).toEqual(['sunzongzhi']);
  });

  it('a recommender still in office is told', async () => {
    const qin = (await findMemberByUserid(db.db, 'qinkunnan'))!;
    const recommended = await asRegistry('hanzhishu', (a) => recommendForHardship(a, { memberId: qin.memberId, causes: ['illness'], note: '', attested: false }));
    if (!recommended.ok) throw new Error(recommended.message);
    const declined = await asRegistry('qinkunnan', (a) => answerConsent(a, { entryId: recommended.entry.id, agree: false }));
    if (!declined.ok) throw new Error(declined.message);
    expect(declined.notices.map((n) => n.to)).toEqual(['hanzhishu']);
  });
});
