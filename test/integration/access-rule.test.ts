// The access rule (issue 10 point 2) over the demo roster: for a sample of people of each role — committee
// secretary, committee member with linked general branches, OD staff, GB secretary, GB committee member, the
// unit's main Party leader, branch secretary, plain member — against members in and out of their reach, every question's answer. The roster is
// seeded into PGlite and the facts are built by the loaders production uses (src/roster/responsibility.ts); the
// chat's name reach (the interpreter over the production name index) and the export's redaction are checked to
// give the same answers.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactFor } from '../../src/care/visibility.ts';
import { viewerForMember } from '../../src/care/export.ts';
import { interpretDetailed } from '../../src/conversation/interpret/interpret.ts';
import type { RosterIndex } from '../../src/conversation/interpret/roster-index.ts';
import { loadRosterIndex } from '../../src/conversation/roster-cache.ts';
import {
  canSeeSensitive,
  mayActOnObligation,
  mayApprove,
  mayRecordCare,
  mayReportAbout,
  maySeeOrganisation,
  viewerOf,
  type AccessPerson,
  type MemberPlace,
} from '../../src/domain/access.ts';
import type { StoredRole } from '../../src/domain/roster.ts';
import { findMemberByUserid, loadAccessPerson, loadMemberPlace, loadOrganisationPlace } from '../../src/roster/responsibility.ts';
import { seedDemo } from '../../src/roster/seed-demo.ts';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';

const TODAY = '2026-11-26';
const NOW = new Date('2026-11-26T10:00:00+08:00');

type Question = 'record' | 'report' | 'sensitive' | 'list' | 'approve' | 'confirmDeath' | 'act';
type Relation = 'self' | 'branch' | 'generalBranch' | 'linked' | 'other';
type Sample = StoredRole | 'member';

const ALL: Question[] = ['record', 'report', 'sensitive', 'list', 'approve', 'confirmDeath', 'act'];
/**
 * What each role may do about a member, by where the member stands to them: their own self, a member of their
 * branch, of another branch of their general branch, of a general branch linked to them (committee members),
 * of any other general branch. list = the member's branch's lists and figures; approve = a hardship
 * application; confirmDeath = a reported death; act = an obligation owed by the member's branch (its secretary).
 */
const EXPECTED: Record<Sample, Partial<Record<Relation, Question[]>>> = {
  committee_secretary: {
    self: ['record', 'report', 'sensitive', 'list'],
    branch: ['record', 'report', 'list'],
    generalBranch: ['record', 'report', 'list'],
    other: ['record', 'report', 'list'],
  },
  committee_member: {
    self: ['record', 'report', 'sensitive'],
    branch: ['record', 'report'],
    generalBranch: ['record', 'report'],
    linked: ['record', 'report', 'list'],
    other: ['record', 'report'],
  },
  od_staff: {
    self: ['record', 'report', 'sensitive', 'list', 'act'],
    branch: ALL,
    generalBranch: ALL,
    other: ALL,
  },
  gb_secretary: {
    self: ['record', 'report', 'sensitive', 'list', 'act'],
    branch: ALL,
    generalBranch: ALL,
    other: [],
  },
  gb_member: {
    self: ['record', 'report', 'sensitive', 'list'],
    branch: ['record', 'report', 'sensitive', 'list'],
    generalBranch: ['record', 'report', 'sensitive', 'list'],
    other: [],
  },
  // The unit's main Party leader sees what a GB leader sees (issue 11 point 2); they act on the GB's talks, not
  // on a visit the branch owes.
  unit_leader: {
    self: ['record', 'report', 'sensitive', 'list'],
    branch: ['record', 'report', 'sensitive', 'list'],
    generalBranch: ['record', 'report', 'sensitive', 'list'],
    other: [],
  },
  branch_secretary: {
    self: ['record', 'report', 'sensitive', 'list', 'act'],
    branch: ['record', 'report', 'sensitive', 'list', 'confirmDeath', 'act'],
    generalBranch: [],
    other: [],
  },
  member: {
    self: ['report', 'sensitive'],
    branch: ['report'],
    generalBranch: [],
    other: [],
  },
};

interface Target {
  place: MemberPlace;
  name: string;
  userid: string | null;
}

describe('the access rule over the demo roster (PGlite)', () => {
  let t: TestDb;
  let index: RosterIndex;
  let members: Target[];
  const samples = new Map<Sample, AccessPerson[]>();

  beforeAll(async () => {
    t = await createTestDatabase('pglite');
    await seedDemo(t.db, { members: 400, seed: 10, today: TODAY });
    index = await loadRosterIndex(t.db);
    const ids = await sql<{ id: string; name: string; userid: string | null }>`select id::text as id, name, userid from members where status = 'active' order by id`.execute(t.db);
    members = [];
    for (const m of ids.rows) members.push({ place: (await loadMemberPlace(t.db, m.id))!, name: m.name, userid: m.userid });
    // People who hold exactly one role (or none), so each row of the table is about that role alone.
    const held = await sql<{ id: string; roles: string[] | null }>`
      select m.id::text as id, array_remove(array_agg(r.role order by r.role), null) as roles
        from members m left join member_roles r on r.member_id = m.id
       where m.status = 'active' and m.userid is not null group by m.id order by m.id`.execute(t.db);
    for (const row of held.rows) {
      const roles = row.roles ?? [];
      if (roles.length > 1) continue;
      const sample = (roles[0] ?? 'member') as Sample;
      const list = samples.get(sample) ?? [];
      if (list.length >= 2) continue;
      const person = (await loadAccessPerson(t.db, row.id))!;
      // A committee member whose own general branch is linked to them would blur "linked" and "own".
      if (sample === 'committee_member' && (person.linkedGeneralBranchIds.length === 0 || person.linkedGeneralBranchIds.includes(person.generalBranchId))) continue;
      list.push(person);
      samples.set(sample, list);
    }
  }, 120_000);
  afterAll(async () => t?.drop());

  function relationOf(p: AccessPerson, m: MemberPlace): Relation {
    if (m.memberId === p.memberId) return 'self';
    if (m.branchId === p.branchId) return 'branch';
    if (m.generalBranchId === p.generalBranchId) return 'generalBranch';
    if (p.linkedGeneralBranchIds.includes(m.generalBranchId)) return 'linked';
    return 'other';
  }

  async function answers(p: AccessPerson, m: MemberPlace): Promise<Question[]> {
    const branch = (await loadOrganisationPlace(t.db, m.branchId))!;
    const owedByBranch = { ownerMemberId: null, ownerRole: 'branch_secretary', ownerOrganisationId: m.branchId, member: m };
    const yes: Record<Question, boolean> = {
      record: mayRecordCare(p, m),
      report: mayReportAbout(p, m),
      sensitive: canSeeSensitive(viewerOf(p), m),
      list: maySeeOrganisation(p, branch),
      approve: mayApprove(p, 'hardship_review', m),
      confirmDeath: mayApprove(p, 'death_confirmation', m),
      act: mayActOnObligation(p, owedByBranch),
    };
    return ALL.filter((q) => yes[q]);
  }

  it('has a sample of every role, and members in every relation to them', () => {
    for (const role of Object.keys(EXPECTED) as Sample[]) expect(samples.get(role)?.length ?? 0, role).toBeGreaterThanOrEqual(1);
  });

  it.each(Object.keys(EXPECTED) as Sample[])('%s: each question answered as the table says', async (role) => {
    for (const p of samples.get(role)!) {
      const seen = new Set<Relation>();
      // Up to three members per relation: the first ones in roster order.
      const perRelation = new Map<Relation, number>();
      for (const target of members) {
        const rel = relationOf(p, target.place);
        if ((perRelation.get(rel) ?? 0) >= 3) continue;
        perRelation.set(rel, (perRelation.get(rel) ?? 0) + 1);
        const expected = EXPECTED[role][rel];
        expect(expected, `${role} ${p.memberId} → ${rel} ${target.place.memberId}: no row`).toBeDefined();
        expect(await answers(p, target.place), `${role} ${p.memberId} → ${rel} ${target.place.memberId}`).toEqual(expected);
        seen.add(rel);
      }
      expect([...seen].sort(), `${role} ${p.memberId}`).toEqual((Object.keys(EXPECTED[role]) as Relation[]).sort());
    }
  });

  it('the chat names exactly those a leader may record about, and the export shows sensitive detail exactly to those allowed', async () => {
    for (const [role, people] of samples) {
      for (const p of people) {
        const { userid } = (await t.db.selectFrom('members').select('userid').where('id', '=', p.memberId).executeTakeFirstOrThrow()) as { userid: string };
        const who = (await findMemberByUserid(t.db, userid))!;
        const writer = { memberId: who.memberId, userid: who.userid, branchId: who.branch.id, generalBranchId: who.generalBranch.id, roleCodes: who.roleCodes };
        const viewer = (await viewerForMember(t.db, p.memberId))!;
        const perRelation = new Map<Relation, number>();
        for (const target of members) {
          const rel = relationOf(p, target.place);
          if ((perRelation.get(rel) ?? 0) >= 2) continue;
          perRelation.set(rel, (perRelation.get(rel) ?? 0) + 1);
          const label = `${role} ${p.memberId} → ${rel} ${target.place.memberId}`;
          const redacted = redactFor(viewer, target.place, 'hospitalised', '住院');
          expect(redacted.reason === 'hospitalised', label).toBe(canSeeSensitive(viewerOf(p), target.place));
          if (target.userid === null || target.place.memberId === p.memberId) continue;
          const d = interpretDetailed(`今天和${target.name}谈心了`, { writer, now: NOW, timeZone: 'Asia/Shanghai', index });
          if (role === 'member') {
            expect(d.problems, label).toContain('not_allowed_role');
            continue;
          }
          const named = d.mentions.some((m) => m.candidates.some((c) => c.memberId === target.place.memberId));
          expect(named, label).toBe(mayRecordCare(p, target.place));
        }
      }
    }
  });
});
