// Emergency aid (issue 12, section 3) on PostgreSQL and PGlite: the repository's SQL (one aid in progress per
// member, each step moving the aid only from the state it waits in, the OD's lists), and the steps through the
// service (assistance/emergency-aid.ts): the obligations each step opens and closes with their due dates, who is
// told, the access rule, the settings read, and the reminder cards' payment clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { createWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { EmergencyAidRepository } from '../../src/db/emergency-aid-repository.ts';
import { ConversationMemoryRepository } from '../../src/db/conversation-memory-repository.ts';
import { SettingsRepository } from '../../src/db/settings-repository.ts';
import { accessPersonOf, findMemberByUserid } from '../../src/roster/responsibility.ts';
import { answerConsent, applyForAid, decideAid, giveOpinion, recordAidPaid, addOpinionNote, type AidActor, type AidEnv } from '../../src/assistance/emergency-aid.ts';
import { assistanceTasks } from '../../src/notices/planners/assistance-tasks.ts';
import { DEFAULT_CALENDAR_SETTINGS } from '../../src/notices/settings.ts';
// Wednesday 25 November 2026, 10:00 in Shanghai; weekends only (no holiday in these weeks).
const TODAY = '2026-11-25';
const NOW = new Date('2026-11-25T02:00:00Z');
const calendar = createWorkingDayCalendar({ holidays: ['2026-10-01'], workdays: [] });

describe.each(DB_KINDS)('emergency aid on %s', (kind) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
  });
  afterEach(() => db.drop());

  const actor = async (userid: string): Promise<AidActor> => {
    const who = (await findMemberByUserid(db.db, userid))!;
    return { memberId: who.memberId, name: who.name, person: accessPersonOf(who) };
  };
  const idOfName = async (name: string) => String((await db.db.selectFrom('members').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id);
  const inTrx = <T>(fn: (env: AidEnv) => Promise<T>, today = TODAY, now = NOW) => db.db.transaction().execute((trx) => fn({ trx, now, today, calendar }));
  const tasks = async () =>
    (await db.db.selectFrom('assistance_tasks').select(['kind', 'status', 'owner_role', 'owner_member_id', 'due_on', 'opened_on']).orderBy('id').execute()).map(
      (t) => `${t.kind}:${t.status}:${t.owner_role ?? `member ${t.owner_member_id}`}:${t.opened_on}→${t.due_on}`,
    );

  it('the member applies; the GB agrees; the OD approves another amount; the payment is recorded — each step an obligation', async () => {
    const wu = await actor('wushengri');
    const applied = await inTrx((env) => applyForAid(env, wu, { memberId: wu.memberId, cause: 'schooling', note: '孩子上学学费困难', requestedFen: 200_000, attested: false }));
    expect(applied.ok).toBe(true);
    if (!applied.ok) return;
    const id = applied.aid.id;
    expect(applied.aid).toMatchObject({ status: 'applied', source: 'self', requested_fen: 200_000, applied_on: TODAY, pay_by: '2026-12-09', applied_by_name: '吴生日' });
    expect(applied.reply).toContain('已报计算机学院党总支提出意见');
    // The GB secretary's card, nobody else's (周支书 is a GB committee member, not its secretary).
    expect(applied.notices.map((n) => [n.recipient, n.message.type])).toEqual([['sunzongzhi', 'card']]);
    expect(JSON.stringify(applied.notices[0]!.message)).toContain('12月9日前（共10个工作日，尚余10个）');
    expect(await tasks()).toEqual(['aid_opinion:open:gb_secretary:2026-11-25→2026-11-28']);

    // A second application while this one is in progress is answered, not stored.
    const again = await inTrx((env) => applyForAid(env, wu, { memberId: wu.memberId, cause: 'other', note: '', requestedFen: 100_000, attested: false }));
    expect(again).toMatchObject({ ok: false, code: 'in_progress' });

    const sun = await actor('sunzongzhi');
    const opinion = await inTrx((env) => giveOpinion(env, sun, id, true, ''), '2026-11-26', new Date('2026-11-26T02:00:00Z'));
    expect(opinion).toMatchObject({ ok: true, aid: { status: 'gb_reviewed', gb_agrees: true, gb_note: '', gb_by_name: '孙总支' } });
    if (!opinion.ok) return;
    // The member hears the opinion; the OD gets the decision card.
    expect(opinion.notices.map((n) => n.recipient).sort()).toEqual(['wushengri', 'zhaozuzhi']);
    expect(await tasks()).toEqual(['aid_opinion:done:gb_secretary:2026-11-25→2026-11-28', 'aid_decision:open:od_staff:2026-11-26→2026-12-01']);
    // The line that follows 同意 is kept and sent on to the OD.
    const line = await inTrx((env) => addOpinionNote(env, sun, id, '情况属实，建议按申请额补助'));
    expect(line).toMatchObject({ ok: true, notices: [{ recipient: 'zhaozuzhi' }] });
    expect((await inTrx((env) => addOpinionNote(env, sun, id, '再补一句'))).ok).toBe(false);

    // The decision card was remembered for the OD (a short reply "批准1500元" refers to it).
    const zhao = await actor('zhaozuzhi');
    const shown = await new ConversationMemoryRepository(db.db).recall(zhao.memberId, ['aid_decision'], new Date(0));
    expect(shown.map((m) => m.ref)).toEqual([id]);

    const decided = await inTrx((env) => decideAid(env, zhao, id, 150_000, ''), '2026-11-27', new Date('2026-11-27T02:00:00Z'));
    expect(decided).toMatchObject({ ok: true, aid: { status: 'approved', approved_fen: 150_000, od_by_name: '赵组织' } });
    if (!decided.ok) return;
    expect(decided.reply).toContain('已批准吴生日同志突发困难补助1,500元（申请2,000元）');
    // The member and the GB secretary who gave the opinion are told; the OD gets the payment card.
    expect(decided.notices.map((n) => `${n.recipient}:${n.message.type}`).sort()).toEqual(['sunzongzhi:text', 'wushengri:text', 'zhaozuzhi:card']);
    expect(await tasks()).toContain('aid_payment:open:od_staff:2026-11-27→2026-12-09');

    // The same decision twice changes nothing.
    expect(await inTrx((env) => decideAid(env, zhao, id, 100_000, ''))).toMatchObject({ ok: false, code: 'wrong_state' });

    const paid = await inTrx((env) => recordAidPaid(env, zhao, id), '2026-12-01', new Date('2026-12-01T02:00:00Z'));
    expect(paid).toMatchObject({ ok: true, aid: { status: 'paid', paid_by_name: '赵组织' } });
    if (!paid.ok) return;
    expect(paid.reply).toContain('在发放期限（12月9日）内');
    expect(paid.notices.map((n) => n.recipient)).toEqual(['wushengri']);
    expect((await tasks()).every((t) => !t.includes(':open:'))).toBe(true);

    // Finished: a new application is possible again.
    const next = await inTrx((env) => applyForAid(env, wu, { memberId: wu.memberId, cause: 'other', note: '', requestedFen: 100_000, attested: false }));
    expect(next.ok).toBe(true);
  });

  it('a secretary applies: with an account the member consents on a card (or declines), without one only with 本人已同意', async () => {
    const zhou = await actor('zhouzhishu');
    const wang = await idOfName('王今年');
    const asked = await inTrx((env) => applyForAid(env, zhou, { memberId: wang, cause: 'disaster', note: '家中遭火灾', requestedFen: 500_000, attested: true }));
    expect(asked).toMatchObject({ ok: true, aid: { status: 'awaiting_consent', source: 'branch', consent_attested: false } });
    if (!asked.ok) return;
    expect(asked.reply).toContain('仍须本人在卡片上确认');
    expect(asked.notices.map((n) => [n.recipient, n.message.type])).toEqual([['wangjinnian', 'card']]);
    expect(await tasks()).toEqual([`aid_consent:open:member ${wang}:2026-11-25→2026-11-28`]);
    // Only the member answers a consent: not the secretary, not the GB. (Actors are read before the transaction:
    // PGlite has one connection, which the transaction holds.)
    const [sun, wangActor] = [await actor('sunzongzhi'), await actor('wangjinnian')];
    expect(await inTrx((env) => answerConsent(env, sun, asked.aid.id, true))).toMatchObject({ ok: false, code: 'not_found' });
    const declined = await inTrx((env) => answerConsent(env, wangActor, asked.aid.id, false));
    expect(declined).toMatchObject({ ok: true, aid: { status: 'withdrawn' }, notices: [{ recipient: 'zhouzhishu' }] });
    expect(await tasks()).toEqual([`aid_consent:done:member ${wang}:2026-11-25→2026-11-28`]);

    const feng = await idOfName('冯无号');
    expect(await inTrx((env) => applyForAid(env, zhou, { memberId: feng, cause: 'disaster', note: '', requestedFen: 500_000, attested: false }))).toMatchObject({ ok: false, code: 'needs_consent' });
    const attested = await inTrx((env) => applyForAid(env, zhou, { memberId: feng, cause: 'disaster', note: '家中遭火灾', requestedFen: 500_000, attested: true }));
    expect(attested).toMatchObject({ ok: true, aid: { status: 'applied', consent_attested: true, consent_by_name: '周支书', applied_by_name: '周支书' } });
    const row = await db.db.selectFrom('emergency_aids').select(['consent_at', 'applied_at']).where('member_id', '=', feng).executeTakeFirstOrThrow();
    expect(row.consent_at?.getTime()).toBe(NOW.getTime());
  });

  it('the access rule: only the branch secretary (or the OD) applies for a member; only the GB gives the opinion — others learn nothing', async () => {
    const chen = await actor('chenbiezhi');
    const chu = await actor('chuzhishu');
    const wu = await idOfName('吴生日');
    // Another branch's secretary, a plain member: the same answer as for a name nobody bears.
    for (const who of [chen, chu]) {
      expect(await inTrx((env) => applyForAid(env, who, { memberId: wu, cause: 'other', note: '', requestedFen: 100_000, attested: true }))).toMatchObject({ ok: false, code: 'not_found' });
    }
    expect(await inTrx((env) => applyForAid(env, chen, { memberId: '999999', cause: 'other', note: '', requestedFen: 100_000, attested: true }))).toMatchObject({ ok: false, code: 'not_found' });
    const self = await actor('wushengri');
    const applied = await inTrx((env) => applyForAid(env, self, { memberId: wu, cause: 'other', note: '', requestedFen: 100_000, attested: false }));
    if (!applied.ok) throw new Error(applied.reply);
    // Another GB's secretary, a plain member of another branch, the member's own branch secretary (not the GB),
    // the member themself: the aid reads as not there at all; an unknown id reads the same.
    const [zhou, sun] = [await actor('zhouzhishu'), await actor('sunzongzhi')];
    for (const who of [chu, chen, zhou, self]) {
      const r = await inTrx((env) => giveOpinion(env, who, applied.aid.id, true, ''));
      expect(r, who.name).toEqual({ ok: false, code: 'not_found', reply: '没有找到由您办理的突发困难补助事项。' });
    }
    expect(await inTrx((env) => giveOpinion(env, chen, '424242', true, ''))).toEqual({ ok: false, code: 'not_found', reply: '没有找到由您办理的突发困难补助事项。' });
    // The GB may not decide the amount.
    expect(await inTrx((env) => decideAid(env, sun, applied.aid.id, 100_000, ''))).toMatchObject({ ok: false, code: 'not_found' });
    // 不同意 needs its line; 不批准 its reason.
    expect(await inTrx((env) => giveOpinion(env, sun, applied.aid.id, false, ' '))).toMatchObject({ ok: false, code: 'needs_reason' });
    const against = await inTrx((env) => giveOpinion(env, sun, applied.aid.id, false, '已享受其他补助'));
    // A GB 不同意 still goes to the OD, which decides.
    expect(against).toMatchObject({ ok: true, aid: { status: 'gb_reviewed', gb_agrees: false, gb_note: '已享受其他补助' } });
    const zhao = await actor('zhaozuzhi');
    expect(await inTrx((env) => decideAid(env, zhao, applied.aid.id, null, ''))).toMatchObject({ ok: false, code: 'needs_reason' });
    const rejected = await inTrx((env) => decideAid(env, zhao, applied.aid.id, null, '已享受其他补助'));
    expect(rejected).toMatchObject({ ok: true, aid: { status: 'rejected', od_note: '已享受其他补助', approved_fen: null } });
    if (!rejected.ok) return;
    expect(rejected.notices.find((n) => n.recipient === 'wushengri')?.message).toMatchObject({ content: expect.stringContaining('未予批准，理由：已享受其他补助') });
  });

  it('the payment term is the setting, in working days, fixed when the aid is filed; the reminder cards show the clock', async () => {
    await new SettingsRepository(db.db).put('emergency_aid_payment_working_days', 3, NOW);
    await new SettingsRepository(db.db).put('emergency_aid_gb_opinion_days', 6, NOW);
    const wu = await actor('wushengri');
    const applied = await inTrx((env) => applyForAid(env, wu, { memberId: wu.memberId, cause: 'other', note: '', requestedFen: 100_000, attested: false }));
    if (!applied.ok) throw new Error(applied.reply);
    // Wednesday + 3 working days = Monday 30 November; the opinion (6 days) would be due after it: at risk.
    expect(applied.aid.pay_by).toBe('2026-11-30');
    const card = JSON.stringify(applied.notices[0]!.message);
    expect(card).toContain('11月30日前（共3个工作日，尚余3个）');
    expect(card).toContain('距发放期限（11月30日）仅剩3个工作日');
    await new SettingsRepository(db.db).put('emergency_aid_payment_working_days', 10, NOW);
    expect((await new EmergencyAidRepository(db.db).aid(applied.aid.id))!.pay_by).toBe('2026-11-30');

    // The opinion is due Tuesday 1 December: two days before is a Sunday, so on Friday 27 November the GB
    // secretary is reminded, with the aid's clock and its warning, and the same buttons as the first card.
    const planned = await assistanceTasks.plan(db.db, { date: '2026-11-27', late: false, calendar, birthdayBasis: DEFAULT_CALENDAR_SETTINGS.birthdayBasis, holidayListDaysBefore: 14 });
    const reminder = planned.find((p) => p.recipientUserid === 'sunzongzhi');
    expect(reminder).toBeDefined();
    const text = JSON.stringify(reminder!.message);
    expect(text).toContain('11月30日前（共3个工作日，尚余1个）');
    expect(text).toContain('距发放期限（11月30日）仅剩1个工作日');
    expect(text).toContain(`aidagree-${applied.aid.id}`);
    expect(text).toContain(`aiddisagree-${applied.aid.id}`);
  });

  it('the repository: one aid in progress per member, steps only from their state, the OD lists, the clock of many', async () => {
    const repo = new EmergencyAidRepository(db.db);
    const wu = await idOfName('吴生日');
    const zhou = await idOfName('周支书');
    const base = { memberId: wu, cause: 'serious_illness' as const, note: '母亲手术', requestedFen: 300_050, status: 'applied' as const, source: 'self' as const, appliedByMemberId: wu, appliedOn: TODAY, payBy: '2026-12-09', at: NOW };
    const id = (await repo.insert(base))!;
    expect(id).toMatch(/^\d+$/);
    expect(await repo.insert(base)).toBeUndefined();
    expect((await repo.liveOf(wu))?.id).toBe(id);
    expect(await repo.consent(id, wu, NOW)).toBe(false); // not awaiting consent
    expect(await repo.decide(id, 100_000, '', zhou, NOW)).toBe(false); // no opinion yet
    expect(await repo.opinion(id, true, '', zhou, NOW)).toBe(true);
    expect(await repo.opinion(id, false, 'x', zhou, NOW)).toBe(false);
    expect(await repo.addGbNote(id, '属实')).toBe(true);
    expect(await repo.addGbNote(id, '再说')).toBe(false);
    expect((await repo.inStateNamed((await findMemberByUserid(db.db, 'zhaozuzhi'))!.committeeId, 'gb_reviewed', ['吴生日'])).map((a) => a.id)).toEqual([id]);
    expect((await repo.inStateNamed((await findMemberByUserid(db.db, 'zhaozuzhi'))!.committeeId, 'gb_reviewed', ['WuShengRi'])).map((a) => a.id)).toEqual([id]);
    expect(await repo.inState([id, 'x'], 'approved')).toEqual([]);
    expect(await repo.decide(id, 300_050, '', zhou, NOW)).toBe(true);
    const aid = (await repo.aid(id))!;
    // Money stays exact: integer fen in and out.
    expect([aid.requested_fen, aid.approved_fen, aid.gb_note, aid.status]).toEqual([300_050, 300_050, '属实', 'approved']);
    expect((await repo.list({ state: 'approved' })).map((a) => a.id)).toEqual([id]);
    expect(await repo.list({ state: 'paid' })).toEqual([]);
    expect(await repo.payByOf([id, 'bad'])).toEqual(new Map([[id, { pay_by: '2026-12-09', applied_on: TODAY }]]));
    expect(await repo.paid(id, zhou, NOW)).toBe(true);
    expect(await repo.liveOf(wu)).toBeUndefined();

    // The conversation memory's recall and forget.
    const memory = new ConversationMemoryRepository(db.db);
    await memory.remember(wu, 'aid_gb_reason', id, NOW);
    await memory.remember(wu, 'aid_amount', '77', new Date(NOW.getTime() + 1000));
    expect((await memory.recall(wu, ['aid_gb_reason', 'aid_amount'], new Date(0))).map((m) => m.topic)).toEqual(['aid_amount', 'aid_gb_reason']);
    await memory.forget(wu, 'aid_amount', '77');
    expect((await memory.recall(wu, ['aid_gb_reason', 'aid_amount'], new Date(0))).map((m) => m.topic)).toEqual(['aid_gb_reason']);
    expect(await memory.recall(wu, ['aid_gb_reason'], NOW)).toEqual([]);
  });
});
