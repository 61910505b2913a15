// Who answers for an office on the day of a sweep: the holders and the organisation tree, loaded once per planner
// (two set-based reads), and the rule of domain/offices.ts applied to them — a vacant office's notices go one
// level up (branch → GB → OD).
import { answeringOffice, OFFICE_TITLES, type Answering, type Office, type OfficeRole } from '../domain/offices.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { withStandIn } from './templates.ts';
import { OfficeRepository, type OfficeHolder } from '../db/office-repository.ts';
import type { PlanDb } from './planner.ts';

/** The notices' recipient shape (toNotices): a member id and a chat account. */
export interface Recipient {
  member_id: string;
  userid: string;
  name: string;
}

export class OfficeDirectory {
  private constructor(
    private readonly holdersByOffice: Map<string, Recipient[]>,
    private readonly parents: Map<string, string | null>,
    private readonly names: Map<string, string>,
  ) {}

  static async load(db: PlanDb): Promise<OfficeDirectory> {
    const repo = new OfficeRepository(db);
    const [holders, orgs] = await Promise.all([repo.holders(), repo.organisations()]);
    const byOffice = new Map<string, Recipient[]>();
    for (const h of holders) {
      const k = key(h.role, h.org_id);
      const list = byOffice.get(k) ?? [];
      list.push(recipientOf(h));
      byOffice.set(k, list);
    }
    return new OfficeDirectory(byOffice, new Map(orgs.map((o) => [o.id, o.parent_id])), new Map(orgs.map((o) => [o.id, o.name])));
  }

  /** Who answers for the office: its holders, or the first held office's above it (with what was passed over). */
  answering(role: OfficeRole, organisationId: string): Answering<Recipient> {
    return answeringOffice<Recipient>({ role, organisationId }, (o: Office) => this.holdersOf(o.role, o.organisationId), (id) => this.parents.get(id));
  }

  /** `message` to whoever answers for the office; a stand-in's copy names the vacant offices it passed. */
  addressed(role: OfficeRole, organisationId: string, message: OutboundMessage): Array<{ to: Recipient; message: OutboundMessage }> {
    const a = this.answering(role, organisationId);
    const note = withStandIn(message, a.vacant.map((o) => ({ organisation: this.nameOf(o.organisationId), title: OFFICE_TITLES[o.role] })));
    return a.holders.map((to) => ({ to, message: note }));
  }

  /** The holders of exactly this office (no passing up): the committee secretary's, for the OD's escalations. */
  holdersOf(role: string, organisationId: string): Recipient[] {
    return this.holdersByOffice.get(key(role, organisationId)) ?? [];
  }

  parentOf(organisationId: string): string | undefined {
    return this.parents.get(organisationId) ?? undefined;
  }

  nameOf(organisationId: string): string {
    return this.names.get(organisationId) ?? '';
  }
}

const key = (role: string, org: string) => `${role}|${org}`;
const recipientOf = (h: OfficeHolder): Recipient => ({ member_id: h.member_id, userid: h.userid, name: h.name });
