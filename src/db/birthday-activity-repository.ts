// Political-birthday activities a secretary logs (MECHANISM 2.3): one member's letter or text message (a member
// without a chat account gets no greeting push, so the branch sends 入党纪念贺信 or 手机短信), named in one
// message ("已寄贺信：冯无号"). The branch's own activity of the month is in BranchReportRepository; the reminder on
// the 20th counts both (notices/plan-repository.ts birthdayMonthMembers).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { BirthdayActivityForm, Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** An active member a secretary may name, with what their political birthday is counted from. */
export interface BirthdayMember {
  id: string;
  name: string;
  userid: string | null;
  branchId: string;
  branch: string;
  joinDate: string;
  fullMemberDate: string | null;
}

export interface MemberActivity {
  memberId: string;
  period: string;
  form: BirthdayActivityForm;
  branchId: string;
  byMemberId: string | null;
  at: Date;
}

export class BirthdayActivityRepository {
  constructor(private readonly db: Db) {}

  /** Active members bearing one of `names` in these branches or the branches of these general branches. */
  async membersNamed(names: readonly string[], branchIds: readonly string[], generalBranchIds: readonly string[]): Promise<BirthdayMember[]> {
    if (names.length === 0) return [];
    const r = await sql<BirthdayMember>`
    select m.id::text as id, m.name, m.userid, m.branch_id::text as "branchId", b.name as branch,
           to_char(m.join_date, 'YYYY-MM-DD') as "joinDate", to_char(m.full_member_date, 'YYYY-MM-DD') as "fullMemberDate"
      from members m join organisations b on b.id = m.branch_id
     where m.status = 'active' and m.name = any(${[...names]}::text[])
       and (m.branch_id = any(${[...branchIds]}::bigint[]) or b.parent_id = any(${[...generalBranchIds]}::bigint[]))
     order by m.name, m.id`.execute(this.db);
    return r.rows;
  }

  /** Records (or corrects the form of) a member's political-birthday letter or text message of a month. */
  async logForMember(a: MemberActivity): Promise<void> {
    await this.db
      .insertInto('birthday_member_activities')
      .values({ member_id: a.memberId, period: a.period, form: a.form, branch_id: a.branchId, logged_by_member_id: a.byMemberId, logged_at: a.at })
      .onConflict((oc) =>
        oc.columns(['member_id', 'period']).doUpdateSet((eb) => ({
          form: eb.ref('excluded.form'),
          branch_id: eb.ref('excluded.branch_id'),
          logged_by_member_id: eb.ref('excluded.logged_by_member_id'),
          logged_at: eb.ref('excluded.logged_at'),
        })),
      )
      .execute();
  }

  /** Removes these members' logs of `period` made in these branches (撤销 on the card); returns the member ids removed. */
  async removeForMembers(memberIds: readonly string[], period: string, branchIds: readonly string[]): Promise<string[]> {
    if (memberIds.length === 0 || branchIds.length === 0) return [];
    const rows = await this.db
      .deleteFrom('birthday_member_activities')
      .where('member_id', 'in', [...memberIds])
      .where('period', '=', period)
      .where('branch_id', 'in', [...branchIds])
      .returning('member_id')
      .execute();
    return rows.map((r) => String(r.member_id));
  }

  /** How many of these members have a log of `period`. */
  async countLogged(memberIds: readonly string[], period: string): Promise<number> {
    if (memberIds.length === 0) return 0;
    const r = await this.db.selectFrom('birthday_member_activities').select((eb) => eb.fn.countAll<string>().as('n')).where('member_id', 'in', [...memberIds]).where('period', '=', period).executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
