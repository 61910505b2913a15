// Announcements (通报工作, 党务公开, MECHANISM 3.1, issue 14 section 1): previews, the recipients snapshotted at 发送,
// read receipts, the figures (received: the recipient's delivery announcement:<id>:<member> sent), the archive, the
// reminder's unread and the export's rows per branch. Who may see or send what is decided by the caller with the
// access rule (domain/access.ts); the scope queries here only narrow what it is asked about.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AnnouncementsTable, Database } from './schema.ts';
import type { AnnouncementAudience, AnnouncementCategory } from '../domain/voice.ts';
import type { AnnouncementTarget } from '../domain/access.ts';
import type { StoredRole } from '../domain/roster.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface Announcement {
  id: string;
  kind: AnnouncementsTable['kind'];
  audience: AnnouncementAudience;
  category: AnnouncementCategory | null;
  organisation_id: string;
  organisation: string;
  /** The committee the sender's office sits in. */
  committee_id: string;
  sender_member_id: string;
  sender_name: string;
  sender_userid: string | null;
  body: string;
  state: 'preview' | 'sent' | 'cancelled' | 'superseded';
  created_at: Date;
  sent_at: Date | null;
  deliver_at: Date | null;
  deliver_on: string | null;
}

/** A possible recipient as the audience query finds them: place, offices and account. */
export interface AudienceMember {
  member_id: string;
  name: string;
  userid: string | null;
  branch_id: string;
  gb_id: string;
  committee_id: string;
  roles: Array<{ role: StoredRole; organisationId: string }>;
}

export interface AnnouncementFigures {
  addressed: number;
  with_account: number;
  no_account: number;
  received: number;
  read: number;
}

export interface UnreadPerson {
  account: string;
  name: string;
  branch: string;
}

export interface ArchiveEntry {
  id: string;
  kind: Announcement['kind'];
  category: AnnouncementCategory | null;
  organisation: string;
  body: string;
  deliver_at: Date;
}

export interface AnnouncementBranchRow extends AnnouncementFigures {
  id: string;
  kind: Announcement['kind'];
  category: AnnouncementCategory | null;
  audience: AnnouncementAudience;
  sender_member_id: string;
  sender_name: string;
  sender_userid: string | null;
  organisation: string;
  committee_id: string;
  created_at: Date;
  sent_at: Date;
  branch_id: string;
  branch: string;
  gb_id: string;
  general_branch: string;
}

/** The idempotency key of a recipient's delivery: received = this delivery sent. */
export const announcementDeliveryKey = (announcementId: string, memberId: string) => `announcement:${announcementId}:${memberId}`;

const num = (v: unknown) => Number(v ?? 0);

/** Each recipient's delivery (received = sent), by the idempotency key announcementDeliveryKey writes. */
const RECIPIENT_DELIVERY = sql`left join deliveries d on d.idempotency_key = 'announcement:' || r.announcement_id || ':' || r.member_id`;
/** The figures of recipients `r` with their deliveries `d`: one definition of addressed, received and read. */
const FIGURES = sql`count(*) as addressed,
             count(*) filter (where r.has_account) as with_account,
             count(*) filter (where not r.has_account) as no_account,
             count(d.id) filter (where d.status = 'sent') as received,
             count(*) filter (where r.read_at is not null) as read`;

export class AnnouncementRepository {
  constructor(private readonly db: Db) {}

  private announcementQuery() {
    return this.db
      .selectFrom('announcements as a')
      .innerJoin('organisations as o', 'o.id', 'a.organisation_id')
      .leftJoin('organisations as up1', 'up1.id', 'o.parent_id')
      .leftJoin('organisations as up2', 'up2.id', 'up1.parent_id')
      .innerJoin('members as s', 's.id', 'a.sender_member_id')
      .select([
        'a.id',
        'a.kind',
        'a.audience',
        'a.category',
        'a.organisation_id',
        // The OD writes for the committee: its office is the committee's organisation department.
        sql<string>`case o.kind when 'committee' then o.name || '组织部' else o.name end`.as('organisation'),
        // The committee: the office itself, its parent (a GB's) or its grandparent (a branch's).
        sql<string>`case o.kind when 'committee' then o.id when 'general_branch' then up1.id else up2.id end::text`.as('committee_id'),
        'a.sender_member_id',
        's.name as sender_name',
        's.userid as sender_userid',
        'a.body',
        'a.state',
        'a.created_at',
        'a.sent_at',
        'a.deliver_at',
        sql<string | null>`to_char(a.deliver_on, 'YYYY-MM-DD')`.as('deliver_on'),
      ]);
  }

  async byId(id: string, opts: { lock?: boolean } = {}): Promise<Announcement | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    if (opts.lock) await sql`select 1 from announcements where id = ${id}::bigint for update`.execute(this.db);
    return (await this.announcementQuery().where('a.id', '=', id).executeTakeFirst());
  }

  /** A new preview; the sender's earlier previews are superseded (only the latest may be sent). */
  async insertPreview(p: { kind: Announcement['kind']; target: AnnouncementTarget; category: AnnouncementCategory | null; senderMemberId: string; body: string; at: Date }): Promise<string> {
    await this.db.updateTable('announcements').set({ state: 'superseded' }).where('sender_member_id', '=', p.senderMemberId).where('state', '=', 'preview').execute();
    const row = await this.db
      .insertInto('announcements')
      .values({ kind: p.kind, audience: p.target.audience, category: p.category, organisation_id: p.target.organisationId, sender_member_id: p.senderMemberId, body: p.body, created_at: p.at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Active members in the office's whole scope (the audience rule then picks among them), the sender excluded. */
  async audienceCandidates(target: AnnouncementTarget, senderMemberId: string): Promise<AudienceMember[]> {
    const scope =
      target.audience === 'all_members' || target.audience === 'all_secretaries'
        ? sql`g.parent_id = ${target.organisationId}::bigint`
        : target.audience === 'branch_members'
          ? sql`m.branch_id = ${target.organisationId}::bigint`
          : sql`b.parent_id = ${target.organisationId}::bigint`;
    const r = await sql<{ member_id: string; name: string; userid: string | null; branch_id: string; gb_id: string; committee_id: string; roles: string[] }>`
      select m.id::text as member_id, m.name, m.userid, m.branch_id::text as branch_id, b.parent_id::text as gb_id, g.parent_id::text as committee_id,
             coalesce(array_agg(r.role || ':' || r.organisation_id) filter (where r.role is not null), '{}') as roles
        from members m
        join organisations b on b.id = m.branch_id
        join organisations g on g.id = b.parent_id
        left join member_roles r on r.member_id = m.id
       where m.status = 'active' and m.id <> ${senderMemberId}::bigint and ${scope}
       group by m.id, b.parent_id, g.parent_id
       order by m.id`.execute(this.db);
    return r.rows.map((row) => ({
      ...row,
      roles: row.roles.map((x) => {
        const at = x.lastIndexOf(':');
        return { role: x.slice(0, at) as StoredRole, organisationId: x.slice(at + 1) };
      }),
    }));
  }

  /** Marks a preview sent (only a preview: a second 发送 finds nothing and returns false). */
  async markSent(id: string, at: Date, deliverAt: Date, deliverOn: string): Promise<boolean> {
    const r = await this.db
      .updateTable('announcements')
      .set({ state: 'sent', sent_at: at, deliver_at: deliverAt, deliver_on: deliverOn })
      .where('id', '=', id)
      .where('state', '=', 'preview')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async cancel(id: string): Promise<boolean> {
    const r = await this.db.updateTable('announcements').set({ state: 'cancelled' }).where('id', '=', id).where('state', '=', 'preview').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insertRecipients(id: string, members: readonly AudienceMember[]): Promise<void> {
    for (let i = 0; i < members.length; i += 5_000) {
      const chunk = members.slice(i, i + 5_000);
      await sql`
        insert into announcement_recipients (announcement_id, member_id, branch_id, general_branch_id, has_account)
        select ${id}::bigint, v.member_id, v.branch_id, v.gb_id, v.has_account
          from unnest(${chunk.map((m) => m.member_id)}::bigint[], ${chunk.map((m) => m.branch_id)}::bigint[], ${chunk.map((m) => m.gb_id)}::bigint[],
                      ${chunk.map((m) => m.userid !== null)}::boolean[]) as v(member_id, branch_id, gb_id, has_account)
        on conflict do nothing`.execute(this.db);
    }
  }

  /** Records a recipient's first 已阅: 'read' now, 'already' read before, 'not_recipient'. */
  async markRead(id: string, memberId: string, at: Date): Promise<'read' | 'already' | 'not_recipient'> {
    const r = await this.db
      .updateTable('announcement_recipients')
      .set({ read_at: at })
      .where('announcement_id', '=', id)
      .where('member_id', '=', memberId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) return 'read';
    return (await this.isRecipient(id, memberId)) ? 'already' : 'not_recipient';
  }

  async isRecipient(id: string, memberId: string): Promise<boolean> {
    if (!/^\d{1,18}$/.test(id)) return false;
    const r = await this.db.selectFrom('announcement_recipients').select('member_id').where('announcement_id', '=', id).where('member_id', '=', memberId).executeTakeFirst();
    return r !== undefined;
  }

  async figures(id: string): Promise<AnnouncementFigures> {
    const r = await sql<Record<keyof AnnouncementFigures, string>>`
      select ${FIGURES}
        from announcement_recipients r
        ${RECIPIENT_DELIVERY}
       where r.announcement_id = ${id}::bigint`.execute(this.db);
    const row = r.rows[0];
    return { addressed: num(row?.addressed), with_account: num(row?.with_account), no_account: num(row?.no_account), received: num(row?.received), read: num(row?.read) };
  }

  /**
   * Who has not read it (with an account) and who has no account, by branch and name: the people the branch is to
   * reach — not those who have since left the roster (died, transferred out).
   */
  async unread(id: string): Promise<{ unread: UnreadPerson[]; noAccount: UnreadPerson[] }> {
    const rows = await this.db
      .selectFrom('announcement_recipients as r')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .innerJoin('organisations as b', 'b.id', 'r.branch_id')
      .select(['m.userid', 'm.name', 'b.name as branch', 'r.has_account'])
      .where('r.announcement_id', '=', id)
      .where('r.read_at', 'is', null)
      .where('m.status', '=', 'active')
      .orderBy('b.name')
      .orderBy('m.id')
      .execute();
    return {
      unread: rows.filter((r) => r.has_account).map((r) => ({ account: r.userid ?? '', name: r.name, branch: r.branch })),
      noAccount: rows.filter((r) => !r.has_account).map((r) => ({ account: r.userid ?? '', name: r.name, branch: r.branch })),
    };
  }

  async latestSentBy(senderMemberId: string): Promise<Announcement | undefined> {
    return (await this.announcementQuery().where('a.sender_member_id', '=', senderMemberId).where('a.state', '=', 'sent').orderBy('a.id', 'desc').limit(1).executeTakeFirst());
  }

  async sentBy(senderMemberId: string, limit: number): Promise<Announcement[]> {
    return (await this.announcementQuery().where('a.sender_member_id', '=', senderMemberId).where('a.state', '=', 'sent').orderBy('a.id', 'desc').limit(limit).execute());
  }

  /** Those sent (any sender), newest first: the admin list. */
  async sentList(p: { senderMemberId?: string; limit: number }): Promise<Announcement[]> {
    let q = this.announcementQuery().where('a.state', '=', 'sent');
    if (p.senderMemberId) q = q.where('a.sender_member_id', '=', p.senderMemberId);
    return (await q.orderBy('a.id', 'desc').limit(p.limit).execute());
  }

  /** The archive: announcements addressed to the member that have gone out by `now`, newest first, a page. */
  async archive(memberId: string, now: Date, page: { offset: number; limit: number }): Promise<{ total: number; entries: ArchiveEntry[] }> {
    const base = this.db
      .selectFrom('announcement_recipients as r')
      .innerJoin('announcements as a', 'a.id', 'r.announcement_id')
      .where('r.member_id', '=', memberId)
      .where('a.state', '=', 'sent')
      .where('a.deliver_at', '<=', now);
    const total = await base.select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const entries = await base
      .innerJoin('organisations as o', 'o.id', 'a.organisation_id')
      .select(['a.id', 'a.kind', 'a.category', sql<string>`case o.kind when 'committee' then o.name || '组织部' else o.name end`.as('organisation'), 'a.body', 'a.deliver_at'])
      .orderBy('a.id', 'desc')
      .offset(page.offset)
      .limit(page.limit)
      .execute();
    return { total: num(total.n), entries: entries as ArchiveEntry[] };
  }

  /**
   * The reminder's due: announcements gone out on `deliveredOn` or earlier but not before `notBefore` (a reminder
   * missed for longer is not sent late), with their recipients who have an account now, had one then, and have not read it.
   */
  async unreadToRemind(deliveredOn: string, notBefore: string): Promise<Array<{ announcement: Announcement; member_id: string; userid: string }>> {
    const due = (await this.announcementQuery().where('a.state', '=', 'sent').where('a.deliver_on', '<=', deliveredOn).where('a.deliver_on', '>=', notBefore).orderBy('a.id').execute()) as Announcement[];
    if (due.length === 0) return [];
    const rows = await this.db
      .selectFrom('announcement_recipients as r')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .select(['r.announcement_id', 'r.member_id', 'm.userid'])
      .where(
        'r.announcement_id',
        'in',
        due.map((a) => a.id),
      )
      .where('r.read_at', 'is', null)
      .where('r.has_account', '=', true)
      .where('m.status', '=', 'active')
      .where('m.userid', 'is not', null)
      .orderBy('r.announcement_id')
      .orderBy('r.member_id')
      .execute();
    const byId = new Map(due.map((a) => [a.id, a]));
    return rows.map((r) => ({ announcement: byId.get(r.announcement_id)!, member_id: r.member_id, userid: r.userid! }));
  }

  /** The export's rows: sent announcements after `afterId` (a page of `limit` announcements), one row per branch. */
  async exportChunk(p: { afterId: string; limit: number; fromAt?: Date | undefined; toBefore?: Date | undefined; branchIds?: readonly string[] | undefined }): Promise<{ lastId: string | undefined; rows: AnnouncementBranchRow[] }> {
    let q = this.announcementQuery().where('a.state', '=', 'sent').where('a.id', '>', p.afterId);
    if (p.fromAt) q = q.where('a.sent_at', '>=', p.fromAt);
    if (p.toBefore) q = q.where('a.sent_at', '<', p.toBefore);
    const page = (await q.orderBy('a.id').limit(p.limit).execute()) as Announcement[];
    if (page.length === 0) return { lastId: undefined, rows: [] };
    const ids = page.map((a) => a.id);
    const r = await sql<{ announcement_id: string; branch_id: string; branch: string; gb_id: string; general_branch: string } & Record<keyof AnnouncementFigures, string>>`
      select r.announcement_id::text as announcement_id, r.branch_id::text as branch_id, b.name as branch, r.general_branch_id::text as gb_id, g.name as general_branch,
             ${FIGURES}
        from announcement_recipients r
        join organisations b on b.id = r.branch_id
        join organisations g on g.id = r.general_branch_id
        ${RECIPIENT_DELIVERY}
       where r.announcement_id = any(${ids}::bigint[])
         ${p.branchIds ? sql`and r.branch_id = any(${[...p.branchIds]}::bigint[])` : sql``}
       group by r.announcement_id, r.branch_id, b.name, r.general_branch_id, g.name
       order by r.announcement_id, g.name, b.name`.execute(this.db);
    const byId = new Map(page.map((a) => [a.id, a]));
    const rows = r.rows.map((x): AnnouncementBranchRow => {
      const a = byId.get(x.announcement_id)!;
      return {
        id: a.id,
        kind: a.kind,
        category: a.category,
        audience: a.audience,
        sender_member_id: a.sender_member_id,
        sender_name: a.sender_name,
        sender_userid: a.sender_userid,
        organisation: a.organisation,
        committee_id: a.committee_id,
        created_at: a.created_at,
        sent_at: a.sent_at!,
        branch_id: x.branch_id,
        branch: x.branch,
        gb_id: x.gb_id,
        general_branch: x.general_branch,
        addressed: num(x.addressed),
        with_account: num(x.with_account),
        no_account: num(x.no_account),
        received: num(x.received),
        read: num(x.read),
      };
    });
    return { lastId: page[page.length - 1]!.id, rows };
  }
}
