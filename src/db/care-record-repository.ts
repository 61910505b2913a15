// Care records (a talk or visit that happened): written by the conversation, taken back by 撤销 within the
// undo window. Instants come from the injected clock, so the window is measured on it.
import { sql, type Kysely } from 'kysely';
import type { CareReason } from '../domain/obligations.ts';
import type { Database } from './schema.ts';

export interface NewCareRecord {
  kind: 'talk' | 'visit';
  leaderMemberId: string;
  memberId: string;
  happenedOn: string;
  reason: CareReason;
  note: string;
  obligationId: string | null;
  recordedByMemberId: string;
  recordedAt: Date;
  /** 派人: who sent the visitor (leaderMemberId); absent when the leader went themself. */
  sentByMemberId?: string;
}

export interface UndoCandidate {
  id: string;
  kind: 'talk' | 'visit';
  name: string;
  happened_on: string;
  fresh: boolean;
  undone: boolean;
  mine: boolean;
}

export class CareRecordRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts a record; returns its id. */
  async insert(r: NewCareRecord): Promise<string> {
    const row = await this.db
      .insertInto('care_records')
      .values({
        kind: r.kind,
        leader_member_id: r.leaderMemberId,
        member_id: r.memberId,
        happened_on: r.happenedOn,
        reason: r.reason,
        note: r.note,
        obligation_id: r.obligationId,
        recorded_by_member_id: r.recordedByMemberId,
        sent_by_member_id: r.sentByMemberId ?? null,
        undone_at: null,
        recorded_at: r.recordedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Links a record to the obligation it closed. */
  async setObligation(recordId: string, obligationId: string): Promise<void> {
    await this.db.updateTable('care_records').set({ obligation_id: obligationId }).where('id', '=', recordId).execute();
  }

  /** The writer's last record still standing, recorded after `since`. */
  async lastUndoable(recordedByMemberId: string, since: Date): Promise<string | undefined> {
    const last = await this.db
      .selectFrom('care_records')
      .select('id')
      .where('recorded_by_member_id', '=', recordedByMemberId)
      .where('undone_at', 'is', null)
      .where('recorded_at', '>', since)
      .orderBy('recorded_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return last?.id;
  }

  /** A record to undo, locked: whether it is the writer's, still undone-able (recorded after `since`). */
  async lockForUndo(recordId: string, writerMemberId: string, since: Date): Promise<UndoCandidate | undefined> {
    const r = await sql<UndoCandidate>`
    select c.id::text as id, c.kind, m.name, to_char(c.happened_on, 'YYYY-MM-DD') as happened_on,
           c.recorded_at > ${since} as fresh, c.undone_at is not null as undone,
           c.recorded_by_member_id = ${writerMemberId}::bigint as mine
      from care_records c join members m on m.id = c.member_id
     where c.id = ${recordId}::bigint for update of c`.execute(this.db);
    return r.rows[0];
  }

  /** When the writer last recorded something still standing, in (`since`, `until`]; undefined if never. */
  async lastRecordedAt(recordedByMemberId: string, since: Date, until: Date): Promise<Date | undefined> {
    const last = await this.db
      .selectFrom('care_records')
      .select(['recorded_at'])
      .where('recorded_by_member_id', '=', recordedByMemberId)
      .where('undone_at', 'is', null)
      .where('recorded_at', '>', since)
      .where('recorded_at', '<=', until)
      .orderBy('recorded_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return last?.recorded_at;
  }

  /**
   * Adds `text` to the note of every record the writer made at `recordedAt` and still stands (one message may
   * have made several); returns them with the member's name.
   */
  async appendNote(recordedByMemberId: string, recordedAt: Date, text: string): Promise<Array<{ id: string; kind: 'talk' | 'visit'; name: string; note: string; happened_on: string }>> {
    const records = await sql<{ id: string; kind: 'talk' | 'visit'; name: string; note: string; happened_on: string }>`
    update care_records c set note = case when c.note = '' then ${text} else c.note || '；' || ${text} end
      from members m
     where m.id = c.member_id and c.recorded_by_member_id = ${recordedByMemberId}::bigint
       and c.undone_at is null and c.recorded_at = ${recordedAt}
    returning c.id::text as id, c.kind, m.name, c.note, to_char(c.happened_on, 'YYYY-MM-DD') as happened_on`.execute(this.db);
    return records.rows;
  }

  /** Takes a record back at `at`. */
  async markUndone(recordId: string, at: Date): Promise<void> {
    await this.db.updateTable('care_records').set({ undone_at: at }).where('id', '=', recordId).execute();
  }
}
