// Issue 14 section 2, members' suggestions against a real database (PostgreSQL and PGlite): filing keeps the
// writer's place and the addressed office; the reply is taken once (a second one changes nothing); the table
// refuses an empty text, a person addressee on an office and a half-recorded reply; the lists, the planner's
// window, the linked committee members and the export's current holders of the addressed office.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuggestionRepository, type NewSuggestion } from '../../src/db/suggestion-repository.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';

const AT = new Date('2026-11-30T02:00:00Z');

describe.each(DB_KINDS)('suggestions on %s', (kind) => {
  let db: TestDb;
  let repo: SuggestionRepository;
  const memberId = async (userid: string) => String((await db.db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id);
  const orgId = async (name: string) => String((await db.db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id);
  let base: NewSuggestion;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
    repo = new SuggestionRepository(db.db);
    const committee = String((await db.db.selectFrom('organisations').select('id').where('kind', '=', 'committee').executeTakeFirstOrThrow()).id);
    base = {
      writerMemberId: await memberId('wushengri'),
      branchId: await orgId('教工第一党支部'),
      generalBranchId: await orgId('计算机学院党总支'),
      committeeId: committee,
      anonymous: false,
      addresseeOffice: 'branch_secretary',
      addresseeOrganisationId: await orgId('教工第一党支部'),
      addresseeMemberId: null,
      text: '希望支部活动安排在周末',
      filedAt: AT,
      filedOn: '2026-11-30',
      dueOn: '2026-12-07',
    };
  });
  afterAll(() => db.drop());

  it('files, reads back with names, and takes the reply once', async () => {
    const id = await repo.insert(base);
    const row = await repo.byId(id);
    expect(row).toMatchObject({ writer_name: '吴生日', branch_name: '教工第一党支部', gb_name: '计算机学院党总支', addressee_office: 'branch_secretary', addressee_organisation_name: '教工第一党支部', state: 'awaiting_reply', filed_on: '2026-11-30', due_on: '2026-12-07', reply: null });
    const by = await memberId('zhouzhishu');
    expect(await repo.reply(id, '已调整', by, AT, '2026-12-01')).toBe(true);
    expect(await repo.reply(id, '再说一次', by, AT, '2026-12-02')).toBe(false);
    expect(await repo.byId(id)).toMatchObject({ state: 'replied', reply: '已调整', replied_on: '2026-12-01', replied_by_name: '周支书' });
    expect(await repo.byId('x1')).toBeUndefined();
    expect(await repo.byId('999999')).toBeUndefined();
  });

  it('the table refuses an empty text, a person on an office and an office without its person', async () => {
    await expect(repo.insert({ ...base, text: '  ' })).rejects.toThrow();
    await expect(repo.insert({ ...base, addresseeMemberId: await memberId('qianweiyuan') })).rejects.toThrow();
    await expect(repo.insert({ ...base, addresseeOffice: 'linked_committee_member' })).rejects.toThrow();
  });

  it('lists: the writer’s own, the committee’s awaiting ones, the planner’s window; linked committee members', async () => {
    const open = await repo.insert({ ...base, text: '第二条', dueOn: '2026-12-10' });
    const mine = await repo.byWriter(base.writerMemberId);
    expect(mine.map((r) => r.text)).toEqual(['第二条', '希望支部活动安排在周末']);
    expect((await repo.awaiting(base.committeeId)).map((r) => r.id)).toEqual([open]);
    expect((await repo.awaitingDueBetween('2026-12-01', '2026-12-09')).map((r) => r.id)).toEqual([]);
    expect((await repo.awaitingDueBetween('2026-12-01', '2026-12-10')).map((r) => r.id)).toEqual([open]);
    expect((await repo.linkedCommitteeMembers(base.generalBranchId)).map((m) => m.name)).toEqual(['钱委员']);
    expect(await repo.linkedCommitteeMembers(await orgId('数学学院党总支'))).toEqual([]);
  });

  it('the export names the current holders of the addressed office, or the addressed person', async () => {
    const toGb = await repo.insert({ ...base, addresseeOffice: 'gb_secretary', addresseeOrganisationId: base.generalBranchId, filedOn: '2026-12-01' });
    const toLinked = await repo.insert({ ...base, addresseeOffice: 'linked_committee_member', addresseeOrganisationId: base.committeeId, addresseeMemberId: await memberId('qianweiyuan'), filedOn: '2026-12-01' });
    const rows = await repo.exportChunk({ afterId: '0', limit: 100, from: '2026-12-01' });
    expect(rows.map((r) => r.id)).toEqual([toGb, toLinked]);
    expect(rows[0]).toMatchObject({ addressee_accounts: 'sunzongzhi', addressee_names: '孙总支' });
    expect(rows[1]).toMatchObject({ addressee_accounts: 'qianweiyuan', addressee_names: '钱委员' });
    expect((await repo.exportChunk({ afterId: '0', limit: 100, onlyId: toLinked })).map((r) => r.id)).toEqual([toLinked]);
  });
});
