// Names resolved in the writer's scope (stage 4 of interpret.ts): whom the writer may name (the access rule,
// src/domain/access.ts, decides), and which bearer of a name they mean — their own branch first, then their
// general branch, then everyone they may see — after a college or branch written next to the name (文学院张伟,
// 张伟（文学院）) has narrowed its bearers to that organisation's. Pure.
import { hasLeadingRole, recordReachOf, withinReach } from '../../domain/access.ts';
import type { RoleCode } from '../../domain/roster.ts';
import { memberKey, type IndexedMember, type PlaceRef } from './roster-index.ts';
import type { InterpretWriter, MentionResolution, Tier, Visibility } from './types.ts';

/** Whom a writer may name (and record a talk or visit about): the access rule's record reach. */
export const visibilityOf = (roleCodes: readonly RoleCode[]): Visibility => recordReachOf(roleCodes);

export { hasLeadingRole };

/** Whether the writer may name `m` within `v` (the access rule's withinReach). */
export const canSee = (w: InterpretWriter, v: Visibility, m: IndexedMember): boolean => withinReach(w, v, m);

const ids = (ms: readonly IndexedMember[]) => ms.map((m) => ({ memberId: m.memberId, userid: m.userid }));

const inPlace = (m: IndexedMember, refs: readonly PlaceRef[]) =>
  refs.some((p) => (p.kind === 'general_branch' ? m.generalBranchId === p.id : m.branchId === p.id));

/**
 * The bearers of a name who are in the college and branch written next to it (every group: one of its
 * organisations). Undefined when none is — the words are then no hint about this name and it is resolved as
 * if they were not there (never a guess either way: the bot names the branch in its confirmation).
 */
export function bearersInPlace(bearers: readonly IndexedMember[], groups: ReadonlyArray<readonly PlaceRef[]>): IndexedMember[] | undefined {
  const within = bearers.filter((m) => groups.every((g) => inPlace(m, g)));
  return within.length > 0 ? within : undefined;
}

export { memberKey };

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
