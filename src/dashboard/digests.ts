// The dashboard's digests (issue 16 section 4), decided without I/O: who gets which digest, about which scope, with
// which open and overdue items — from the branches' figures (FigureSource), the same numbers as the dashboard.
// Weekly to general-branch and branch secretaries, monthly to the OD, quarterly to the committee secretary. A person
// with nothing open in their scope gets nothing (no empty digests). Sensitive figures (hardship, relief) count only
// where the access rule shows them (maySeeSensitiveFigures): the committee secretary's digest leaves them out.
import type { Config } from '../config.ts';
import { maySeeSensitiveFigures, type HeldOffice, type OrganisationPlace } from '../domain/access.ts';
import type { SettingKey } from '../domain/settings.ts';
import { openItemsOf, rollUp, SENSITIVE_FIGURES, sumFigures, type BranchFigures, type Figures } from './figures.ts';
import { dashboardBaseUrl, DASHBOARD_PATH } from './sign-in.ts';

export type DigestKind = 'weekly' | 'monthly' | 'quarterly';

/** The setting that switches each digest off. */
export const DIGEST_SETTINGS: Readonly<Record<DigestKind, SettingKey & `dashboard_digest_${DigestKind}`>> = {
  weekly: 'dashboard_digest_weekly',
  monthly: 'dashboard_digest_monthly',
  quarterly: 'dashboard_digest_quarterly',
};

/** The roles each digest goes to (the office whose scope it covers). */
export const DIGEST_ROLES: Readonly<Record<DigestKind, readonly ('gb_secretary' | 'branch_secretary' | 'od_staff' | 'committee_secretary')[]>> = {
  weekly: ['gb_secretary', 'branch_secretary'],
  monthly: ['od_staff'],
  quarterly: ['committee_secretary'],
};

/** The digests' link: the dashboard's home page (its sign-in happens there: WeCom OAuth, else 后台). */
export function dashboardHomeUrl(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  return `${dashboardBaseUrl(config).replace(/\/+$/, '')}${DASHBOARD_PATH}/`;
}

/** Someone who may get a digest: an active member with a chat account, all their roles, and their committee. */
export interface DigestRecipient {
  memberId: string;
  userid: string;
  name: string;
  committeeId: string;
  roles: readonly HeldOffice[];
}

/** One line of what is open: a count, and of it what is overdue (where the figure says). */
export interface OpenItemLine {
  item: 'trigger' | 'talkQuota' | 'holidayVisits' | 'hardshipVerification' | 'relief' | 'suggestions';
  open: number;
  overdue: number;
  /** done of owed, where the item has them (quotas, holiday visits). */
  progress?: { done: number; owed: number };
}

/**
 * openItemsOf, item by item (the lines sum to its open and overdue): what a digest lists. Items with nothing open
 * are left out.
 */
export function openItemLines(f: Figures): OpenItemLine[] {
  const lines: OpenItemLine[] = [
    { item: 'trigger', open: f.triggerOpen + f.triggerOverdue, overdue: f.triggerOverdue },
    { item: 'talkQuota', open: Math.max(0, f.talkQuotaOwed - f.talkQuotaDone), overdue: 0, progress: { done: f.talkQuotaDone, owed: f.talkQuotaOwed } },
    { item: 'holidayVisits', open: Math.max(0, f.holidayOwed - f.holidayVisited), overdue: 0, progress: { done: f.holidayVisited, owed: f.holidayOwed } },
    { item: 'hardshipVerification', open: f.hardshipAwaitingVerification, overdue: 0 },
    { item: 'relief', open: Math.max(0, f.reliefDue - f.reliefPaid), overdue: 0 },
    { item: 'suggestions', open: f.suggestionsAwaiting, overdue: f.suggestionsOverdue },
  ];
  return lines.filter((l) => l.open > 0);
}

/** The figures as a viewer is shown them: the sensitive ones as zeros where they may not be seen. */
export function visibleFigures(f: Figures, sensitiveShown: boolean): Figures {
  if (sensitiveShown) return f;
  const out = { ...f };
  for (const k of SENSITIVE_FIGURES) out[k] = 0;
  return out;
}

/** A part of a digest: an organisation (the committee, a general branch, a branch) and its open items. */
export interface DigestSection {
  level: 'committee' | 'general_branch' | 'branch';
  organisationId: string;
  name: string;
  figures: Figures;
  open: number;
  overdue: number;
  /** The parts below it with something open (a committee's general branches, a general branch's branches), most overdue first. */
  parts: Array<{ id: string; name: string; open: number; overdue: number }>;
}

export interface Digest {
  kind: DigestKind;
  recipient: DigestRecipient;
  sections: DigestSection[];
  open: number;
  overdue: number;
}

const byUrgency = (a: { open: number; overdue: number; name: string }, b: { open: number; overdue: number; name: string }) =>
  b.overdue - a.overdue || b.open - a.open || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function section(level: DigestSection['level'], organisationId: string, name: string, figures: Figures, parts: Array<{ id: string; name: string; figures: Figures }>): DigestSection {
  const items = openItemsOf(figures);
  return {
    level,
    organisationId,
    name,
    figures,
    ...items,
    parts: parts
      .map((p) => ({ id: p.id, name: p.name, ...openItemsOf(p.figures) }))
      .filter((p) => p.open > 0)
      .sort(byUrgency),
  };
}

/**
 * The digests of one kind for these people, from the figures of every branch of their committees
 * (`branchesByCommittee`: committee id → its branches' figures, as FigureSource reads them). Weekly: a general
 * branch secretary's general branches, and a branch secretary's branch unless it lies in a general branch they
 * lead (one digest a person, each organisation once); monthly: the OD's committee; quarterly: the committee
 * secretary's. Nobody with nothing open gets a digest.
 */
export function selectDigests(kind: DigestKind, people: readonly DigestRecipient[], branchesByCommittee: ReadonlyMap<string, readonly BranchFigures[]>): Digest[] {
  const out: Digest[] = [];
  for (const person of people) {
    const branches = branchesByCommittee.get(person.committeeId) ?? [];
    const place = (level: DigestSection['level'], id: string, generalBranchId: string | null): OrganisationPlace => ({ id, kind: level, generalBranchId, committeeId: person.committeeId });
    const shown = (fs: Figures, org: OrganisationPlace) => visibleFigures(fs, maySeeSensitiveFigures(person, org));
    const sections: DigestSection[] = [];
    const held = (role: string) => person.roles.filter((r) => r.role === role).map((r) => r.organisationId);
    if (kind === 'weekly') {
      const led = new Set(held('gb_secretary'));
      for (const gb of rollUp(branches.filter((b) => led.has(b.generalBranchId)))) {
        const org = place('general_branch', gb.generalBranchId, gb.generalBranchId);
        sections.push(
          section(
            'general_branch',
            gb.generalBranchId,
            gb.generalBranchName,
            shown(gb.figures, org),
            gb.branches.map((b) => ({ id: b.branchId, name: b.branchName, figures: shown(b.figures, place('branch', b.branchId, b.generalBranchId)) })),
          ),
        );
      }
      const own = new Set(held('branch_secretary'));
      for (const b of branches) {
        if (!own.has(b.branchId) || led.has(b.generalBranchId)) continue;
        sections.push(section('branch', b.branchId, b.branchName, shown(b.figures, place('branch', b.branchId, b.generalBranchId)), []));
      }
    } else {
      const role = kind === 'monthly' ? 'od_staff' : 'committee_secretary';
      if (held(role).includes(person.committeeId) && branches.length > 0) {
        const org = place('committee', person.committeeId, null);
        const gbs = rollUp(branches);
        // The committee's figures are its general branches' sums, each shown as the person may see that branch.
        const gbShown = gbs.map((gb) => ({ id: gb.generalBranchId, name: gb.generalBranchName, figures: shown(gb.figures, place('general_branch', gb.generalBranchId, gb.generalBranchId)) }));
        sections.push(section('committee', person.committeeId, '全校', shown(sumFigures(gbShown.map((g) => g.figures)), org), gbShown));
      }
    }
    const open = sections.reduce((n, s) => n + s.open, 0);
    const overdue = sections.reduce((n, s) => n + s.overdue, 0);
    if (open === 0) continue;
    out.push({ kind, recipient: person, sections: sections.filter((s) => s.open > 0), open, overdue });
  }
  return out;
}
