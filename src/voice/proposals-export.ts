// The `proposals` export (issue 14 sections 3 and 4): every delegate's proposal, one row each — the delegate by chat
// account and name with GB and branch, title and text, the filed / registered / due / declined / answered instants
// (dates as YYYY-MM-DD, instants ISO 8601 at the organisation's offset), the state code (overdue derived on `today`),
// the assignee (a member by account and name, or an office's name), the decline reason and the answer. A member
// viewer gets only the rows the access rule lets them see (maySeeProposal: the delegate, the assignee, the OD).
// from/to select by the day it was filed.
import type { Kysely } from 'kysely';
import { ProposalRepository } from '../db/proposal-repository.ts';
import type { Database } from '../db/schema.ts';
import { maySeeProposal } from '../domain/access.ts';
import { proposalStatus, proposalTitle } from '../domain/voice.ts';
import { isoAt, keysetPages } from '../export/rows.ts';
import type { FamilyExporter, FamilyExportRow, FamilyExportSettings } from '../export/family.ts';

export const PROPOSAL_COLUMNS = [
  'id',
  'delegate_account',
  'delegate_name',
  'general_branch',
  'branch',
  'title',
  'text',
  'state',
  'overdue',
  'filed_at',
  'registered_at',
  'due_on',
  'declined_at',
  'decline_reason',
  'assignee_account',
  'assignee_name',
  'assignee_office',
  'assigned_at',
  'answered_at',
  'answer',
] as const;

export const proposalsExporter: FamilyExporter = {
  columns: PROPOSAL_COLUMNS,
  async *chunks(db: Kysely<Database>, s: FamilyExportSettings): AsyncGenerator<FamilyExportRow[]> {
    const repo = new ProposalRepository(db);
    for await (const rows of keysetPages((afterId) => repo.exportChunk({ afterId, limit: s.chunkSize, from: s.from, to: s.to }), s.chunkSize)) {
      const visible = rows.filter((p) => maySeeProposal(s.viewer, { delegateMemberId: p.delegate_member_id, committeeId: p.committee_id, assigneeMemberId: p.assignee_member_id }));
      if (visible.length === 0) continue;
      yield visible.map(
        (p): FamilyExportRow => ({
          id: p.id,
          delegate_account: p.delegate_account ?? '',
          delegate_name: p.delegate_name,
          general_branch: p.gb_name,
          branch: p.branch_name,
          title: proposalTitle(p.text),
          text: p.text,
          state: p.state,
          // Derived, never stored: only when the export knows the organisation's date.
          overdue: s.today === undefined ? null : proposalStatus(p, s.today) === 'overdue',
          filed_at: isoAt(p.filed_at, s.timeZone),
          registered_at: isoAt(p.registered_at, s.timeZone),
          due_on: p.due_on,
          declined_at: isoAt(p.declined_at, s.timeZone),
          decline_reason: p.decline_reason,
          assignee_account: p.assignee_member_id === null ? null : (p.assignee_account ?? ''),
          assignee_name: p.assignee_name,
          assignee_office: p.assignee_office,
          assigned_at: isoAt(p.assigned_at, s.timeZone),
          answered_at: isoAt(p.answered_at, s.timeZone),
          answer: p.answer,
        }),
      );
    }
  },
};
