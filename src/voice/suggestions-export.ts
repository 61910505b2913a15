// The `suggestions` export (issue 14 sections 2 and 4): one row per suggestion the viewer may see (the access
// rule's maySeeSuggestion: the writer, the addressee and those it was escalated to, the OD), with the writer by
// chat account and name, GB and branch — all blank for an anonymous one unless the viewer is the OD (or the writer) —,
// the addressee (the addressed person, or whoever holds the addressed office today: ';'-joined, with the office
// code), the text, the instants filed / due (the due day) / replied, the state code (awaiting_reply, replied,
// overdue — derived on the export's day), the reply and the offices it was escalated to. The day of a row (from/to)
// is the day it was filed.
import type { Kysely } from 'kysely';
import { SuggestionRepository } from '../db/suggestion-repository.ts';
import type { Database } from '../db/schema.ts';
import { maySeeSuggestion, seesSuggestionWriter } from '../domain/access.ts';
import { chineseWorkingDayCalendar } from '../domain/calendar.ts';
import { suggestionEscalations, suggestionState } from '../domain/voice.ts';
import type { FamilyExporter, FamilyExportRow, FamilyExportSettings } from '../export/family.ts';
import { isoAt, keysetPages } from '../export/rows.ts';
import { OfficeDirectory } from '../notices/offices.ts';
import { factsOf, suggestionDatesOf } from './suggestions.ts';

export const SUGGESTION_COLUMNS = [
  'id',
  'writer_account',
  'writer_name',
  'general_branch',
  'branch',
  'anonymous',
  'addressee_office',
  'addressee_account',
  'addressee_name',
  'text',
  'filed_at',
  'due_on',
  'replied_at',
  'state',
  'reply',
  'replied_by_name',
  'escalated_to',
] as const;

/** How the escalation offices are written: the office codes of SUGGESTION_ADDRESSEES (od_staff is `od`). */
const escalationCode = (role: string): string => (role === 'od_staff' ? 'od' : role);

export const suggestionsExporter: FamilyExporter = {
  columns: SUGGESTION_COLUMNS,
  branchFilter: true,
  async *chunks(db: Kysely<Database>, s: FamilyExportSettings): AsyncGenerator<FamilyExportRow[]> {
    const repo = new SuggestionRepository(db);
    const offices = await OfficeDirectory.load(db);
    const calendar = chineseWorkingDayCalendar();
    // The state (overdue) and the escalations are of the export's day, which the CLI and the admin route always give.
    if (!s.today) throw new Error('the suggestions export needs the organisation’s date (today)');
    const today = s.today;
    for await (const rows of keysetPages((afterId) => repo.exportChunk({ afterId, limit: s.chunkSize, from: s.from, to: s.to, branchIds: s.branchIds }), s.chunkSize)) {
      const out: FamilyExportRow[] = [];
      for (const r of rows) {
        const facts = factsOf(r, offices, today, calendar);
        if (!maySeeSuggestion(s.viewer, facts)) continue;
        const named = seesSuggestionWriter(s.viewer, facts);
        const escalated = suggestionEscalations(suggestionDatesOf(r), today, calendar);
        out.push({
          id: r.id,
          writer_account: named ? (r.writer_account ?? '') : '',
          writer_name: named ? r.writer_name : '',
          // An anonymous writer's place is theirs as much as the name: in a small branch the branch names them.
          general_branch: named ? r.gb_name : '',
          branch: named ? r.branch_name : '',
          anonymous: r.anonymous,
          addressee_office: r.addressee_office,
          addressee_account: r.addressee_accounts,
          addressee_name: r.addressee_names,
          text: r.text,
          filed_at: isoAt(r.filed_at, s.timeZone),
          due_on: r.due_on,
          replied_at: isoAt(r.replied_at, s.timeZone),
          state: suggestionState(r.state, r.due_on, today),
          reply: r.reply,
          replied_by_name: r.replied_by_name,
          escalated_to: [...new Set(escalated.map((e) => escalationCode(e.office.role)))],
        });
      }
      if (out.length > 0) yield out;
    }
  },
};
