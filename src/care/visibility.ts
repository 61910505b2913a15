// Who may see sensitive care data (MECHANISM.md "Rules for every reminder"; docs/RELIABILITY.md "Sensitive
// care data"): health, family events, hardship, subsidies and disputes are visible only to the member, their
// branch secretary, their general branch's leaders and the Organisation Department (OD). Pure: the caller
// loads the viewer's roles and the member's place in the tree; nothing here touches the database.
//
// Decision on reasons. A reason code is sensitive when it says something about health, family, hardship,
// money, conflict or conduct:
//   hospitalised (health), disaster (hardship cause), hardship, bereavement (family event), death (family
//   event; the visit is a condolence, usually with money), setback (personal difficulty), mistake (conduct at
//   work), dispute and complaint (conflicts, negative feedback), and every hardship cause (old_age, frailty,
//   illness, disability, misfortune, other).
// Not sensitive: routine (the yearly talk), job_change (an appointment is public), holiday (the festival
// visit every branch owes; which members get one is decided by the roster, and its note is withheld anyway).
// Anything not on the non-sensitive list — including a code this file does not know yet — is treated as
// sensitive: the list of what may be shown is the one that is closed (fail closed).
//
// Decision on who. "Their GB's leaders" are the general branch's secretary (gb_secretary) and its committee
// members (gb_member). Committee members linked (挂联) to the general branch and the committee secretary are
// not on MECHANISM's list and do not see sensitive detail unless they also hold one of the roles above.
import type { StoredRoleCode } from '../db/schema.ts';

/** Codes shown to anyone allowed to see the row at all. */
export const NON_SENSITIVE_REASONS: readonly string[] = ['routine', 'job_change', 'holiday'];

/** The sensitive codes known today (documentation and tests; the rule itself is "not non-sensitive"). */
export const SENSITIVE_REASONS: readonly string[] = [
  // five must-visits
  'hospitalised',
  'disaster',
  'hardship',
  'bereavement',
  'death',
  // five must-talks (all but job_change)
  'setback',
  'mistake',
  'dispute',
  'complaint',
  // hardship causes
  'old_age',
  'frailty',
  'illness',
  'disability',
  'misfortune',
  'other',
];

/** What replaces a sensitive reason for a viewer who may not see it. */
export const RESTRICTED_REASON = 'restricted';

export function isSensitiveReason(code: string): boolean {
  return !NON_SENSITIVE_REASONS.includes(code);
}

export interface ViewerRole {
  role: StoredRoleCode;
  /** The organisation the role is held in (committee, general branch or branch: see ROLE_SCOPE). */
  organisationId: string;
}

/**
 * Who is looking. `organisation_department` is the OD's own tools (the CLI and the admin API): full detail.
 * A `member` viewer is a person in the roster with the roles they hold (member_roles rows).
 */
export type Viewer =
  | { kind: 'organisation_department' }
  | { kind: 'member'; memberId: string; roles: readonly ViewerRole[] };

export const OD_VIEWER: Viewer = { kind: 'organisation_department' };

/** Where the member a row is about sits in the tree. */
export interface MemberPlace {
  memberId: string;
  branchId: string;
  generalBranchId: string;
  /** The committee (root) above the general branch. */
  committeeId: string;
}

export function canSeeSensitive(viewer: Viewer, member: MemberPlace): boolean {
  if (viewer.kind === 'organisation_department') return true;
  if (viewer.memberId === member.memberId) return true;
  return viewer.roles.some((r) => {
    switch (r.role) {
      case 'od_staff':
        return r.organisationId === member.committeeId;
      case 'branch_secretary':
        return r.organisationId === member.branchId;
      case 'gb_secretary':
      case 'gb_member':
        return r.organisationId === member.generalBranchId;
      default:
        return false;
    }
  });
}

/**
 * The reason and note a viewer gets for a row about `member`: unchanged when allowed; otherwise a sensitive
 * reason becomes 'restricted' and the note (free text, which may mention money or health whatever the
 * reason) is emptied.
 */
export function redactFor(viewer: Viewer, member: MemberPlace, reason: string, note: string): { reason: string; note: string } {
  if (canSeeSensitive(viewer, member)) return { reason, note };
  return { reason: isSensitiveReason(reason) ? RESTRICTED_REASON : reason, note: '' };
}
