// Issue 12 §1 against a real database (PostgreSQL and PGlite): the registry's SQL — one live entry per member,
// consent, decisions only from the right state, archiving only an approved entry, lists by organisation and
// state — the steps of assistance/registry-service.ts with their tasks and once-keys, what 我的帮扶 reads, the
// memory of a 不通过 waiting for its reason, and a death or departure in the roster closing the member's entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { CARE_HEADER, CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { HardshipRegistryRepository } from '../../src/db/hardship-registry-repository.ts';
import { AssistanceTaskRepository } from '../../src/db/assistance-task-repository.ts';
import { AssistanceOverviewRepository } from '../../src/db/assistance-overview-repository.ts';
import { ConversationMemoryRepository } from '../../src/db/conversation-memory-repository.ts';
import { findMemberByUserid, type RosterIdentity } from '../../src/roster/responsibility.ts';
import { importRosterFile } from '../../src/roster/import.ts';
import { answerConsent, applyForHardship, archiveHardship, decideHardship, recommendForHardship, type RegistryActing } from '../../src/assistance/registry-service.ts';
import { closeAssistanceOfDeparted } from '../../src/assistance/registry.ts';

const NOW = new Date('2026-11-25T02:00:00Z');
const TODAY = '2026-11-25';

describe.each(DB_KINDS)('the hardship registry on %s (issue 12 §1)', (kind) => {
  let db: TestDb;
  const id = async (userid: string) => (await db.db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id;
  const idByName = async (name: string) => (await db.db.selectFrom('members').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const org = async (name: string) => (await db.db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const who = async (userid: string): Promise<RosterIdentity> => (await findMemberByUserid(db.db, userid))!;
  /** Runs a step as `userid` in a transaction, as the chat and the admin API do. */
  const as = async <T>(userid: string, step: (a: RegistryActing) => Promise<T>, now = NOW, today = TODAY): Promise<T> => {
    const actor = await who(userid);
    return db.db.transaction().execute((trx) => step({ db: trx, actor, now, today, timeZone: 'Asia/Shanghai' }));
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
  });
  afterAll(() => db.drop());

  describe('the repository', () => {
    it('one live entry per member: a second insert stores nothing; after a rejection a new one may be filed', async () => {
      const registry = new HardshipRegistryRepository(db.db);
      const member = await id('wushengri');
      const first = await registry.insert({ memberId: member, causes: ['illness'], source: 'self', status: 'applied', appliedByMemberId: member, note: '母亲重病', at: NOW });
      expect(first).toBeDefined();
      expect(await registry.insert({ memberId: member, causes: ['other'], source: 'self', status: 'applied', appliedByMemberId: member, note: '', at: NOW })).toBeUndefined();
      expect((await registry.liveEntryOf(member))?.id).toBe(first);
      // A decision only from the states given: approving what is not applied changes nothing.
      expect(await registry.decide(first!, 'rejected', await id('sunzongzhi'), '不符合条件', NOW)).toBe(true);
      expect(await registry.decide(first!, 'approved', await id('sunzongzhi'), '', NOW)).toBe(false);
      expect(await registry.archive(first!, await id('sunzongzhi'), '好转', NOW)).toBe(false);
      expect(await registry.liveEntryOf(member)).toBeUndefined();
      const second = await registry.insert({ memberId: member, causes: ['disaster'], source: 'self', status: 'applied', appliedByMemberId: member, note: '', at: NOW });
      expect(second).toBeDefined();
      const entry = (await registry.entry(second!))!;
      expect(entry).toMatchObject({ member_name: '吴生日', branch: '教工第一党支部', general_branch: '计算机学院党总支', causes: ['disaster'], status: 'applied', source: 'self' });
      expect((await registry.entriesOf(member)).map((e) => e.status)).toEqual(['applied', 'rejected']);
      expect((await registry.liveEntriesOf([member, await id('zhenglao')])).map((e) => e.id)).toEqual([second]);
    });

    it('a recommendation without consent cannot be applied: the constraint holds consent on record', async () => {
      const member = await id('zhenglao');
      await expect(
        db.db.insertInto('hardship_registry').values({ member_id: member, causes: ['illness'], status: 'applied', source: 'branch', decided_at: null, applied_by_member_id: await id('zhouzhishu'), consent_by_member_id: null, consent_at: null, decided_by_member_id: null, archived_at: null, archived_by_member_id: null }).execute(),
      ).rejects.toThrow(/hardship_branch_consent/);
    });

    it('lists by branch, GB and committee, and by state', async () => {
      const registry = new HardshipRegistryRepository(db.db);
      const branch = await org('教工第一党支部');
      const gb = await org('计算机学院党总支');
      const committee = (await db.db.selectFrom('organisations').select('id').where('kind', '=', 'committee').executeTakeFirstOrThrow()).id;
      expect((await registry.listIn({ kind: 'branch', id: branch }, ['applied'])).map((e) => e.member_name)).toEqual(['吴生日']);
      expect((await registry.listIn({ kind: 'general_branch', id: gb }, ['applied'])).map((e) => e.member_name)).toEqual(['吴生日']);
      expect((await registry.listIn({ kind: 'committee', id: committee }, ['applied', 'rejected'])).map((e) => [e.member_name, e.status])).toEqual([
        ['吴生日', 'rejected'],
        ['吴生日', 'applied'],
      ]);
      expect(await registry.listIn({ kind: 'committee', id: committee })).toEqual([]);
      expect(await registry.listIn({ kind: 'general_branch', id: await org('数学学院党总支') }, ['applied'])).toEqual([]);
    });

    it('a 不通过 waiting for its reason is recalled within the window, newest first, and forgotten once given', async () => {
      const memory = new ConversationMemoryRepository(db.db);
      const me = await id('sunzongzhi');
      await memory.remember(me, 'hardship_reject', '11', new Date('2026-11-24T02:00:00Z'));
      await memory.remember(me, 'hardship_reject', '12', NOW);
      await memory.remember(me, 'obligation', '13', NOW);
      expect((await memory.recall(me, ['hardship_reject'], new Date('2026-11-24T01:00:00Z'))).map((r) => r.ref)).toEqual(['12', '11']);
      expect((await memory.recall(me, ['hardship_reject'], new Date('2026-11-24T03:00:00Z'))).map((r) => r.ref)).toEqual(['12']);
      await memory.forget(me, 'hardship_reject', '12');
      expect((await memory.recall(me, ['hardship_reject'], new Date('2026-11-24T01:00:00Z'))).map((r) => r.ref)).toEqual(['11']);
      await memory.forget(me, 'hardship_reject', '11');
    });
  });

  describe('the steps (registry-service.ts)', () => {
    it('an application: applied, the review task open for the GB, the card to the GB secretary once-keyed', async () => {
      const out = await as('wangjinnian', (a) => applyForHardship(a, { causes: ['misfortune'], note: '家庭遭遇变故' }));
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      expect(out.entry).toMatchObject({ status: 'applied', source: 'self', causes: ['misfortune'] });
      expect(out.notices.map((n) => [n.to, n.onceKey])).toEqual([['sunzongzhi', `hardship-review-${out.entry.id}-${await id('sunzongzhi')}`]]);
      const tasks = await new AssistanceTaskRepository(db.db).openFor(await id('sunzongzhi'), [{ role: 'gb_secretary', organisationId: await org('计算机学院党总支') }]);
      expect(tasks.filter((t) => t.subject_id === out.entry.id)).toEqual([
        expect.objectContaining({ kind: 'hardship_review', member_name: '王今年', branch: '教工第一党支部', owner_member_id: null, due_on: '2026-12-02' }),
      ]);
      // A second one is refused with the state, and nothing changes.
      const again = await as('wangjinnian', (a) => applyForHardship(a, { causes: ['illness'], note: '' }));
      expect(again).toMatchObject({ ok: false, code: 'live_entry', status: 409 });
    });

    it('a decision needs the right person and state; a rejection needs its reason', async () => {
      const entry = (await new HardshipRegistryRepository(db.db).liveEntryOf(await id('wangjinnian')))!;
      expect(await as('zhouzhishu', (a) => decideHardship(a, { entryId: entry.id, outcome: 'approved', reason: '' }))).toMatchObject({ ok: false, code: 'not_allowed', status: 403 });
      expect(await as('chuzhishu', (a) => decideHardship(a, { entryId: entry.id, outcome: 'approved', reason: '' }))).toMatchObject({ ok: false, code: 'not_allowed' });
      expect(await as('sunzongzhi', (a) => decideHardship(a, { entryId: entry.id, outcome: 'rejected', reason: ' ' }))).toMatchObject({ ok: false, code: 'reason_required', status: 400 });
      // An id nobody has reads as one the actor may not review (issue 12 §5: a forged id learns nothing).
      expect(await as('sunzongzhi', (a) => decideHardship(a, { entryId: '999999', outcome: 'approved', reason: '' }))).toEqual(await as('chuzhishu', (a) => decideHardship(a, { entryId: entry.id, outcome: 'approved', reason: '' })));
      expect(await as('sunzongzhi', (a) => decideHardship(a, { entryId: '999999', outcome: 'approved', reason: '' }))).toMatchObject({ ok: false, code: 'not_allowed', status: 403 });
      const done = await as('zhaozuzhi', (a) => decideHardship(a, { entryId: entry.id, outcome: 'approved', reason: '' }));
      expect(done).toMatchObject({ ok: true, entry: { status: 'approved', decided_by_member_id: await id('zhaozuzhi') } });
      if (!done.ok) return;
      // The member and the branch secretary, each once.
      expect(done.notices.map((n) => n.to).sort()).toEqual(['wangjinnian', 'zhouzhishu']);
      expect(await as('sunzongzhi', (a) => decideHardship(a, { entryId: entry.id, outcome: 'approved', reason: '' }))).toMatchObject({ ok: false, code: 'already_decided', status: 409 });
      expect(await new AssistanceTaskRepository(db.db).findOpen('hardship_review', entry.id)).toBeUndefined();
    });

    it('a recommendation: the consent task is the member\'s; 同意 sends it to the GB; only the member may answer', async () => {
      const zheng = await id('zhenglao');
      const out = await as('zhouzhishu', (a) => recommendForHardship(a, { memberId: zheng, causes: ['old_age'], note: '高龄', attested: false }));
      expect(out).toMatchObject({ ok: true, entry: { status: 'awaiting_consent', source: 'branch' } });
      if (!out.ok) return;
      expect(out.notices.map((n) => n.to)).toEqual(['zhenglao']);
      expect(await new AssistanceTaskRepository(db.db).openFor(await id('zhenglao'), [])).toEqual([expect.objectContaining({ kind: 'hardship_consent', owner_member_id: await id('zhenglao') })]);
      expect(await as('zhouzhishu', (a) => answerConsent(a, { entryId: out.entry.id, agree: true }))).toMatchObject({ ok: false, code: 'not_found', status: 404 });
      const agreed = await as('zhenglao', (a) => answerConsent(a, { entryId: out.entry.id, agree: true }));
      expect(agreed).toMatchObject({ ok: true, entry: { status: 'applied', consent_by_member_id: await id('zhenglao'), consent_attested: false } });
      if (!agreed.ok) return;
      expect(agreed.notices.map((n) => n.to).sort()).toEqual(['sunzongzhi', 'zhouzhishu']);
      expect(await as('zhenglao', (a) => answerConsent(a, { entryId: out.entry.id, agree: false }))).toMatchObject({ ok: false, code: 'already_answered' });
    });

    it('recommending someone out of reach is refused like nobody; a member without an account needs the attestation', async () => {
      const wu = await id('wushengri');
      const fen = await idByName('冯无号');
      expect(await as('chuzhishu', (a) => recommendForHardship(a, { memberId: wu, causes: ['illness'], note: '', attested: false }))).toMatchObject({ ok: false, code: 'not_allowed' });
      expect(await as('chuzhishu', (a) => recommendForHardship(a, { memberId: '999999', causes: ['illness'], note: '', attested: false }))).toMatchObject({ ok: false, code: 'not_allowed' });
      expect(await as('wushengri', (a) => recommendForHardship(a, { memberId: fen, causes: ['illness'], note: '', attested: true }))).toMatchObject({ ok: false, code: 'not_allowed' });
      expect(await as('zhouzhishu', (a) => recommendForHardship(a, { memberId: fen, causes: ['illness'], note: '', attested: false }))).toMatchObject({ ok: false, code: 'consent_required', status: 400 });
      const ok = await as('zhouzhishu', (a) => recommendForHardship(a, { memberId: fen, causes: ['illness'], note: '', attested: true }));
      expect(ok).toMatchObject({ ok: true, entry: { status: 'applied', consent_attested: true, consent_by_member_id: await id('zhouzhishu') } });
    });

    it('archiving: the GB only, an approved entry only, a reason always; pairings and subsidies end and the helpers are found', async () => {
      const member = await id('wangjinnian');
      const entry = (await new HardshipRegistryRepository(db.db).liveEntryOf(member))!;
      const pairing = await db.db
        .insertInto('pairings')
        .values({ member_id: member, entry_id: entry.id, helper_member_id: null, helper_organisation_id: await org('教工党支部'), started_on: TODAY, ended_on: null, ended_reason: null, created_by_member_id: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const overview = new AssistanceOverviewRepository(db.db);
      expect((await overview.helpersOf(member)).map((h) => [h.helper_organisation_name, h.helper_organisation_kind])).toEqual([['数学学院党总支教工党支部', 'branch']]);
      expect(await as('zhouzhishu', (a) => archiveHardship(a, { memberId: member, reason: '好转' }))).toMatchObject({ ok: false, code: 'not_allowed' });
      expect(await as('sunzongzhi', (a) => archiveHardship(a, { memberId: member, reason: '' }))).toMatchObject({ ok: false, code: 'reason_required' });
      const wu = await id('wushengri');
      expect(await as('sunzongzhi', (a) => archiveHardship(a, { memberId: wu, reason: '好转' }))).toMatchObject({ ok: false, code: 'not_approved', status: 409 });
      const done = await as('sunzongzhi', (a) => archiveHardship(a, { memberId: member, reason: '家庭情况好转' }));
      expect(done).toMatchObject({ ok: true, entry: { status: 'archived', archive_reason: '家庭情况好转' } });
      if (!done.ok) return;
      // The member, the branch secretary and the helping branch's secretary.
      expect(done.notices.map((n) => n.to).sort()).toEqual(['chuzhishu', 'wangjinnian', 'zhouzhishu']);
      expect((await overview.helpersOfPairings([pairing.id]))[0]).toMatchObject({ helper_organisation_name: '数学学院党总支教工党支部' });
      expect(await overview.helpersOf(member)).toEqual([]);
    });

    it('我的帮扶 reads subsidies with their paid months and aids, amounts in fen', async () => {
      const member = await id('wushengri');
      const entry = (await new HardshipRegistryRepository(db.db).liveEntryOf(member))!;
      await new HardshipRegistryRepository(db.db).decide(entry.id, 'approved', await id('sunzongzhi'), '', NOW);
      const s = await db.db
        .insertInto('subsidies')
        .values({ member_id: member, entry_id: entry.id, amount_fen: 30050, start_month: '2027-01', end_month: '2027-12', status: 'active', created_by_member_id: null, confirmed_by_member_id: null, confirmed_at: null, ended_at: null, ended_reason: null, renewed_from_id: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const month of ['2027-02', '2027-01']) await db.db.insertInto('subsidy_payments').values({ subsidy_id: s.id, month, amount_fen: 30050, paid_at: NOW, recorded_by_member_id: null }).execute();
      await db.db
        .insertInto('emergency_aids')
        .values({ member_id: member, cause: 'disaster', requested_fen: 200000, status: 'approved', source: 'self', applied_by_member_id: member, applied_on: TODAY, pay_by: '2026-12-09', consent_by_member_id: null, consent_at: null, gb_agrees: true, gb_by_member_id: null, gb_at: null, approved_fen: 150000, od_by_member_id: null, od_at: null, paid_at: null, paid_by_member_id: null })
        .execute();
      const overview = new AssistanceOverviewRepository(db.db);
      expect(await overview.subsidiesOf(member)).toEqual([{ id: s.id, amount_fen: 30050, start_month: '2027-01', end_month: '2027-12', status: 'active', paid_months: ['2027-01', '2027-02'] }]);
      expect(await overview.aidsOf(member)).toEqual([expect.objectContaining({ cause: 'disaster', status: 'approved', requested_fen: 200000, approved_fen: 150000, applied_on: TODAY })]);
    });
  });

  describe('a death or departure (registry.ts closeAssistanceOfDeparted)', () => {
    it('the roster\'s status column archives an approved entry (去世) with its pairings and subsidies ended as member_left, and rejects a pending one (转出)', async () => {
      const wu = await id('wushengri');
      const wuEntry = (await new HardshipRegistryRepository(db.db).liveEntryOf(wu))!;
      await db.db.insertInto('pairings').values({ member_id: wu, entry_id: wuEntry.id, helper_member_id: await id('zhenglao'), helper_organisation_id: null, started_on: TODAY, ended_on: null, ended_reason: null, created_by_member_id: null }).execute();
      const zheng = await id('zhenglao');
      const zhengEntry = (await new HardshipRegistryRepository(db.db).liveEntryOf(zheng))!;
      expect(zhengEntry.status).toBe('applied');
      const rows = CARE_ROWS.map((r) => `${r},在册`).map((r) => (r.startsWith('吴生日') ? r.replace(/在册$/, '去世') : r.startsWith('郑老党员') ? r.replace(/在册$/, '转出') : r));
      const out = await importRosterFile(db.db, Buffer.from([`${CARE_HEADER},状态`, ...rows].join('\n'), 'utf8'), { today: '2026-11-27', now: new Date('2026-11-27T02:00:00Z') });
      expect(out.ok).toBe(true);
      const registry = new HardshipRegistryRepository(db.db);
      expect(await registry.entry(wuEntry.id)).toMatchObject({ status: 'archived', archive_reason: '去世' });
      expect(await registry.entry(zhengEntry.id)).toMatchObject({ status: 'rejected', reason: '转出' });
      expect(await db.db.selectFrom('pairings').select(['ended_on', 'ended_reason']).where('member_id', '=', wu).execute()).toEqual([{ ended_on: '2026-11-27', ended_reason: 'member_left' }]);
      expect(await db.db.selectFrom('subsidies').select(['status', 'ended_reason']).where('member_id', '=', wu).execute()).toEqual([{ status: 'ended', ended_reason: 'member_left' }]);
      const open = await db.db.selectFrom('assistance_tasks').select('kind').where('member_id', 'in', [wu, zheng]).where('status', '=', 'open').execute();
      expect(open).toEqual([]);
    });

    it('a departed helper\'s pairings end (helper_left) and their emergency aid before a decision is withdrawn; an approved one stays', async () => {
      const zhou = await id('zhouzhishu');
      const chen = await id('chenbiezhi');
      const entryId = (await db.db
        .insertInto('hardship_registry')
        .values({ member_id: chen, causes: ['illness'], status: 'approved', source: 'self', consent_recorded: false, applied_by_member_id: chen, consent_by_member_id: null, consent_at: null, decided_by_member_id: null, decided_at: NOW, archived_at: null, archived_by_member_id: null })
        .returning('id')
        .executeTakeFirstOrThrow()).id;
      await db.db.insertInto('pairings').values({ member_id: chen, entry_id: entryId, helper_member_id: zhou, helper_organisation_id: null, started_on: TODAY, ended_on: null, ended_reason: null, created_by_member_id: null }).execute();
      const aid = (status: 'applied' | 'approved') => ({ member_id: zhou, cause: 'other' as const, requested_fen: 100_000, status, source: 'self' as const, applied_by_member_id: zhou, applied_on: TODAY, pay_by: TODAY, consent_by_member_id: null, consent_at: null, gb_agrees: null, gb_by_member_id: null, gb_at: null, approved_fen: status === 'approved' ? 100_000 : null, od_by_member_id: null, od_at: null, paid_at: null, paid_by_member_id: null });
      const pending = (await db.db.insertInto('emergency_aids').values(aid('applied')).returning('id').executeTakeFirstOrThrow()).id;
      const out = await closeAssistanceOfDeparted(db.db, { memberIds: [zhou], status: 'transferred_out', byMemberId: null, now: NOW, today: TODAY });
      expect(out).toMatchObject({ endedAsHelper: 1, withdrawnAids: [pending] });
      expect(await db.db.selectFrom('pairings').select(['ended_on', 'ended_reason']).where('helper_member_id', '=', zhou).execute()).toEqual([{ ended_on: TODAY, ended_reason: 'helper_left' }]);
      expect((await db.db.selectFrom('emergency_aids').select('status').where('id', '=', pending).executeTakeFirstOrThrow()).status).toBe('withdrawn');
      await db.db.updateTable('emergency_aids').set({ status: 'paid' }).where('id', '=', pending).execute();
      const approved = (await db.db.insertInto('emergency_aids').values(aid('approved')).returning('id').executeTakeFirstOrThrow()).id;
      expect((await closeAssistanceOfDeparted(db.db, { memberIds: [zhou], status: 'transferred_out', byMemberId: null, now: NOW, today: TODAY })).withdrawnAids).toEqual([]);
      expect((await db.db.selectFrom('emergency_aids').select('status').where('id', '=', approved).executeTakeFirstOrThrow()).status).toBe('approved');
      await db.db.deleteFrom('emergency_aids').where('member_id', '=', zhou).execute();
      await db.db.deleteFrom('pairings').where('member_id', '=', chen).execute();
      await db.db.deleteFrom('hardship_registry').where('id', '=', entryId).execute();
    });

    it('nothing live: nothing to do', async () => {
      expect(await closeAssistanceOfDeparted(db.db, { memberIds: [await id('wushengri')], status: 'deceased', byMemberId: null, now: NOW, today: TODAY })).toEqual({ archived: [], rejected: [], cancelledTasks: 0, endedAsHelper: 0, withdrawnAids: [] });
    });
  });
});
