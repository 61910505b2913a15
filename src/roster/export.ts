// export-roster: the active members in the import's own columns and notation, in a stable order, so that
// export → import into an empty database → export gives the same file (issue 3 "round trip").
import type { Kysely } from 'kysely';
import type { Database, Gender } from '../db/schema.ts';
import { ROLE_LABELS, sortRoles, type StoredRole } from '../domain/roster.ts';
import { EXPORT_COLUMNS } from './columns.ts';
import { writeCsv } from '../export/csv.ts';
import { writeXlsx, type RosterFormat } from './files.ts';
import type { RosterEntry } from './parse.ts';
import { RosterExportRepository, type RosterExportRow } from './export-repository.ts';

const GENDER_LABEL: Record<Gender, string> = { male: '男', female: '女' };
// The separator the import accepts and Chinese readers expect in a list.
const LIST = '、';

const yesNo = (v: boolean | null): string | null => (v === null ? null : v ? '是' : '否');

type CellRow = Omit<RosterExportRow, 'outstanding' | 'delegate' | 'useridFromDingtalk'> & { outstanding: boolean | null; delegate: boolean | null };

/** `row.userid` is 账号 as the file shows it (blank for a member known only by their DingTalk account). */
function cells(row: CellRow): (string | null)[] {
  const roles = row.roles ? sortRoles(row.roles.split(',') as StoredRole[]).map((r) => ROLE_LABELS[r]).join(LIST) : null;
  return [
    row.name,
    row.userid,
    row.dingtalkUserid,
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
    yesNo(row.outstanding),
    yesNo(row.delegate),
  ];
}

export async function exportRoster(db: Kysely<Database>, format: RosterFormat): Promise<{ bytes: Buffer; members: number }> {
  // A DingTalk-only member's userid is their 钉钉账号: 账号 stays blank, so re-importing the export changes nothing.
  const rows = (await new RosterExportRepository(db).activeMembers(LIST)).map(({ useridFromDingtalk, ...row }) => cells({ ...row, userid: useridFromDingtalk ? null : row.userid }));
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
      outstanding: e.outstanding,
      delegate: e.delegate,
    }).map((v) => v ?? ''),
  );
  return writeCsv([header, ...rows]);
}
