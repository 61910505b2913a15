// The `announcements` export (issue 14 section 4): one row per announcement sent and branch it reached — the
// audience and read counts per branch — with codes (kind, category, audience), the sender by chat account, name and
// office, the instants it was written and sent (ISO at the organisation's offset), and the branch's figures:
// addressed, received (delivery sent), read, no_account. The day of a row (from/to) is the local day it was sent.
// Who sees which row is maySeeAnnouncementRow: the OD all; a member the announcements they sent and the rows of the
// branches their offices cover, whoever sent them.
import type { Kysely } from 'kysely';
import { AnnouncementRepository } from '../db/announcement-repository.ts';
import type { Database } from '../db/schema.ts';
import { maySeeAnnouncementRow } from '../domain/access.ts';
import { localDayRange } from '../domain/dates.ts';
import type { FamilyExporter, FamilyExportRow, FamilyExportSettings } from '../export/family.ts';
import { isoAt } from '../export/rows.ts';

export const ANNOUNCEMENT_COLUMNS = [
  'id',
  'kind',
  'category',
  'audience',
  'sender_account',
  'sender_name',
  'sender_office',
  'created_at',
  'sent_at',
  'general_branch',
  'branch',
  'addressed',
  'received',
  'read',
  'no_account',
] as const;

export const announcementsExporter: FamilyExporter = {
  columns: ANNOUNCEMENT_COLUMNS,
  // A branch filter keeps the rows of those branches (recipients by the branch recorded when it was sent): an
  // announcement that reached none of them has no row.
  branchFilter: true,
  async *chunks(db: Kysely<Database>, s: FamilyExportSettings): AsyncGenerator<FamilyExportRow[]> {
    const repo = new AnnouncementRepository(db);
    const { fromAt, toBefore } = localDayRange(s.from, s.to, s.timeZone);
    let afterId = '0';
    for (;;) {
      // A chunk of announcements (each a few rows, one per branch).
      const { lastId, rows } = await repo.exportChunk({ afterId, limit: Math.max(1, Math.ceil(s.chunkSize / 10)), fromAt, toBefore, branchIds: s.branchIds });
      if (lastId === undefined) return;
      const visible = rows.filter((r) => maySeeAnnouncementRow(s.viewer, { senderMemberId: r.sender_member_id, branchId: r.branch_id, generalBranchId: r.gb_id, committeeId: r.committee_id }));
      if (visible.length > 0)
        yield visible.map(
          (r): FamilyExportRow => ({
            id: r.id,
            kind: r.kind,
            category: r.category,
            audience: r.audience,
            sender_account: r.sender_userid ?? '',
            sender_name: r.sender_name,
            sender_office: r.organisation,
            created_at: isoAt(r.created_at, s.timeZone),
            sent_at: isoAt(r.sent_at, s.timeZone),
            general_branch: r.general_branch,
            branch: r.branch,
            addressed: r.addressed,
            received: r.received,
            read: r.read,
            no_account: r.no_account,
          }),
        );
      afterId = lastId;
    }
  },
};
