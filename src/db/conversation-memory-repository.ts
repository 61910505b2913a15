// What the bot last asked or told each person about (a record, an obligation), so that a short reply can refer
// to it. Its time is the injected clock's, on both sides: the sweep and the conversation remember at their
// clock's instant, and the conversation looks back from its own (a test with a pinned clock checks it).
import { sql, type Kysely } from 'kysely';
import type { CareReason } from '../domain/obligations.ts';
import type { Database } from './schema.ts';

export interface Remembered {
  member_id: string;
  topic: string;
  ref: string;
}

/** An open obligation the bot told someone about. */
export interface RemindedObligation {
  id: string;
  member_id: string;
  name: string;
  reason: CareReason;
}

export class ConversationMemoryRepository {
  /** `db` is the executor the queries run on: the database, or a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /** Remembers (person, topic, ref) at `at`, or moves its time to `at`. */
  async remember(memberId: string, topic: string, ref: string, at: Date): Promise<void> {
    await this.rememberMany([{ member_id: memberId, topic, ref }], at);
  }

  /** Remembers many at `at`; each (person, topic, ref) once — an upsert may not touch one row twice in one statement. */
  async rememberMany(rows: readonly Remembered[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('conversation_memory')
      .values(rows.map((r) => ({ ...r, at })))
      .onConflict((oc) => oc.columns(['member_id', 'topic', 'ref']).doUpdateSet({ at }))
      .execute();
  }

  /**
   * What the bot last asked or told this person about among `topics`, after `since` (most recent first; ties by
   * ref): a question whose answer is the person's next message ("请回复理由", "申请金额是多少？") or a card a short
   * reply refers to ("批准1500元").
   */
  async recall(memberId: string, topics: readonly string[], since: Date): Promise<Array<Remembered & { at: Date }>> {
    if (topics.length === 0) return [];
    return this.db
      .selectFrom('conversation_memory')
      .select(['member_id', 'topic', 'ref', 'at'])
      .where('member_id', '=', memberId)
      .where('topic', 'in', [...topics])
      .where('at', '>', since)
      .orderBy('at', 'desc')
      .orderBy('ref', 'desc')
      .execute();
  }

  /** Forgets (person, topic, ref): a question answered is not answered twice. */
  async forget(memberId: string, topic: string, ref: string): Promise<void> {
    await this.db.deleteFrom('conversation_memory').where('member_id', '=', memberId).where('topic', '=', topic).where('ref', '=', ref).execute();
  }

  /**
   * Open obligations (of `kind`, when given) the bot told this person about after `since`, most recent
   * first.
   */
  async remindedObligations(memberId: string, since: Date, kind?: 'talk' | 'visit'): Promise<RemindedObligation[]> {
    const r = await sql<RemindedObligation>`
    select o.id::text as id, o.member_id::text as member_id, m.name, o.reason
      from conversation_memory c
      join care_obligations o on o.id = c.ref::bigint
      join members m on m.id = o.member_id
     where c.member_id = ${memberId}::bigint and c.topic = 'obligation'
       and c.at > ${since} and o.status = 'open' ${kind ? sql`and o.kind = ${kind}` : sql``}
     order by c.at desc, o.id`.execute(this.db);
    return r.rows;
  }
}
