// export-roster: the active members in the import's own columns and notation, in a stable order, so that
// export → import into an empty database → export gives the same file (issue 3 "round trip").
import { sql, type Kysely } from 'kysely';
import type { Database, Gender } from '../db/schema.ts';
import { ROLE_LABELS, sortRoles, type StoredRole } from '../domain/roster.ts';
import { EXPORT_COLUMNS } from './columns.ts';
import { writeCsv } from '../export/csv.ts';
import { writeXlsx, type RosterFormat } from './files.ts';
import type { RosterEntry } from './parse.ts';

const GENDER_LABEL: Record<Gender, string> = { male: '男', female: '女' };
// The separator the import accepts and Chinese readers expect in a list.
const LIST = '、';

interface ExportRow {
  name: string;
  userid: string | null;
  gender: Gender | null;
  birthDate: string | null;
  joinDate: string;
  fullMemberDate: string | null;
  generalBranch: string;
  branch: string;
  roles: string | null;
  cadreLevel: string | null;
  links: string | null;
  phone: string | null;
}

async function loadRows(db: Kysely<Database>): Promise<ExportRow[]> {
  // collate "C": the same order on every server whatever its locale, so exports compare byte for byte.
  const r = await sql<ExportRow>`
    select m.name, m.userid, m.gender,
      to_char(m.birth_date, 'YYYY-MM-DD') as "birthDate", to_char(m.join_date, 'YYYY-MM-DD') as "joinDate",
      to_char(m.full_member_date, 'YYYY-MM-DD') as "fullMemberDate",
      gb.name as "generalBranch", b.name as branch, m.cadre_level as "cadreLevel", m.phone,
      (select string_agg(r.role, ',') from member_roles r where r.member_id = m.id) as roles,
      (select string_agg(g.name, ${LIST} order by g.name collate "C")
         from committee_links l join organisations g on g.id = l.general_branch_id where l.member_id = m.id) as links
    from members m
    join organisations b on b.id = m.branch_id
    join organisations gb on gb.id = b.parent_id
    where m.status = 'active'
    order by gb.name collate "C", b.name collate "C", m.name collate "C", m.userid collate "C" nulls last, m.id`.execute(db);
  return r.rows;
}

function cells(row: ExportRow): (string | null)[] {
  const roles = row.roles ? sortRoles(row.roles.split(',') as StoredRole[]).map((r) => ROLE_LABELS[r]).join(LIST) : null;
  return [
    row.name,
    row.userid,
    row.gender ? GENDER_LABEL[row.gender] : null,
    row.birthDate,
    row.joinDate,
    row.fullMemberDate,
    row.generalBranch,
    row.branch,
    roles,
    row.cadreLevel,
    row.links,
    row.phone,
  ];
}

export async function exportRoster(db: Kysely<Database>, format: RosterFormat): Promise<{ bytes: Buffer; members: number }> {
  const rows = (await loadRows(db)).map(cells);
  if (format === 'csv') {
    const header = EXPORT_COLUMNS.map((c) => c.header);
    return { bytes: writeCsv([header, ...rows]), members: rows.length };
  }
  const columns = EXPORT_COLUMNS.map((c) => ({
    header: c.header,
    kind: c.date ? ('date' as const) : ('text' as const),
    width: c.date ? 12 : c.field === 'general_branch' || c.field === 'linked_general_branches' ? 28 : c.field === 'branch' ? 22 : 12,
  }));
  return { bytes: await writeXlsx('党员名册', columns, rows), members: rows.length };
}

/** A roster that is not in a database yet (seed-demo's generator, for the benchmark) as the same CSV. */
export function entriesToCsv(entries: readonly RosterEntry[]): Buffer {
  const header = EXPORT_COLUMNS.map((c) => c.header);
  const rows = entries.map((e) =>
    cells({
      ...e,
      roles: e.roles.length > 0 ? e.roles.join(',') : null,
      links: e.linkedGeneralBranches.length > 0 ? e.linkedGeneralBranches.join(LIST) : null,
    }).map((v) => v ?? ''),
  );
  return writeCsv([header, ...rows]);
}
