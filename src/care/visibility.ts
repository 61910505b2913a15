// Sensitive care data (MECHANISM.md "Rules for every reminder"; docs/RELIABILITY.md "Sensitive care data"):
// health, family events, hardship, subsidies and disputes. Pure: nothing here touches the database.
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
// Who may see sensitive detail is the access rule's (src/domain/access.ts canSeeSensitive); this file decides
// what of a row is sensitive and what a viewer who may not see it gets instead.
import { canSeeSensitive, type HeldOffice, type MemberPlace, type Viewer } from '../domain/access.ts';

export { canSeeSensitive, OD_VIEWER, type MemberPlace, type Viewer } from '../domain/access.ts';
/** A role as held, as a viewer carries it. */
export type ViewerRole = HeldOffice;

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

/**
 * The reason and note a viewer gets for a row about `member`: unchanged when allowed; otherwise a sensitive
 * reason becomes 'restricted' and the note (free text, which may mention money or health whatever the
 * reason) is emptied.
 */
export function redactFor(viewer: Viewer, member: MemberPlace, reason: string, note: string): { reason: string; note: string } {
  if (canSeeSensitive(viewer, member)) return { reason, note };
  return { reason: isSensitiveReason(reason) ? RESTRICTED_REASON : reason, note: '' };
}
