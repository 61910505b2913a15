// Names resolved in the writer's scope (stage 4 of interpret.ts): whom the writer may name (the access rule,
// src/domain/access.ts, decides), and which bearer of a name they mean — their own branch first, then their
// general branch, then everyone they may see. Pure.
import { hasLeadingRole, recordReachOf, withinReach } from '../../domain/access.ts';
import type { RoleCode } from '../../domain/roster.ts';
import type { IndexedMember } from './roster-index.ts';
import type { InterpretWriter, MentionResolution, Tier, Visibility } from './types.ts';

/** Whom a writer may name (and record a talk or visit about): the access rule's record reach. */
export const visibilityOf = (roleCodes: readonly RoleCode[]): Visibility => recordReachOf(roleCodes);

export { hasLeadingRole };

/** Whether the writer may name `m` within `v` (the access rule's withinReach). */
export const canSee = (w: InterpretWriter, v: Visibility, m: IndexedMember): boolean => withinReach(w, v, m);

const ids = (ms: readonly IndexedMember[]) => ms.map((m) => ({ memberId: m.memberId, userid: m.userid }));

/** Resolves one name among its bearers, in the writer's scope (own branch, own GB, all they may see). */
export function resolveName(
  bearers: readonly IndexedMember[],
  writer: InterpretWriter,
  visibility: Visibility = visibilityOf(writer.roleCodes),
): Pick<MentionResolution, 'status' | 'tier' | 'candidates'> {
  const visible = bearers.filter((m) => canSee(writer, visibility, m));
  if (visible.length === 0) return { status: 'out_of_scope', tier: null, candidates: [] };
  const tiers: Array<[Tier, IndexedMember[]]> = [
    ['branch', visible.filter((m) => m.branchId === writer.branchId)],
    ['general_branch', visible.filter((m) => m.generalBranchId === writer.generalBranchId)],
    ['visible', visible],
  ];
  for (const [tier, list] of tiers) {
    if (list.length === 0) continue;
    return { status: list.length === 1 ? 'resolved' : 'ambiguous', tier, candidates: ids(list) };
  }
  return { status: 'out_of_scope', tier: null, candidates: [] }; // unreachable: 'visible' is non-empty
}
