// What the bot last asked or told each person about (a record, an obligation), so that a short reply can refer
// to it. The time is the database's: the sweep remembers its reminders with now() (notices/sweep-repository.ts)
// and the conversation reads them against now(); the two move together.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export class ConversationMemoryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Remembers (person, topic, ref), or refreshes its time. */
  async remember(memberId: string, topic: string, ref: string): Promise<void> {
    await this.db
      .insertInto('conversation_memory')
      .values({ member_id: memberId, topic, ref })
      .onConflict((oc) => oc.columns(['member_id', 'topic', 'ref']).doUpdateSet({ at: sql`now()` }))
      .execute();
  }
}
