// Names resolved in the writer's scope (stage 4 of interpret.ts): whom the writer may name, and which bearer of a
// name they mean — their own branch first, then their general branch, then everyone they may see. Pure.
import type { RoleCode } from '../../domain/roster.ts';
import type { IndexedMember } from './roster-index.ts';
import type { InterpretWriter, MentionResolution, Tier, Visibility } from './types.ts';

export function visibilityOf(roleCodes: readonly RoleCode[]): Visibility {
  if (roleCodes.some((r) => r === 'committee_secretary' || r === 'committee_member' || r === 'od_staff')) return 'everyone';
  if (roleCodes.some((r) => r === 'gb_secretary' || r === 'gb_member')) return 'general_branch';
  if (roleCodes.includes('branch_secretary')) return 'branch';
  return 'self';
}

/** Any role beyond the implicit 'member': may record talks and visits. */
export function hasLeadingRole(roleCodes: readonly RoleCode[]): boolean {
  return roleCodes.some((r) => r !== 'member');
}

export function canSee(w: InterpretWriter, v: Visibility, m: IndexedMember): boolean {
  switch (v) {
    case 'everyone':
      return true;
    case 'general_branch':
      return m.generalBranchId === w.generalBranchId;
    case 'branch':
      return m.branchId === w.branchId;
    case 'self':
      return m.memberId === w.memberId;
  }
}

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
