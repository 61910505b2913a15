// The care roster grown for the excellent-member cap (issue 13 section 4): 计算机学院党总支 with 42 active members
// (two namesakes 张伟, zhangwei1 and zhangwei2) plus one who died and one who transferred out; 数学学院党总支 with 7
// active and one who died; 物理学院党总支 (secretary 韩总支, hanzongzhi) with 6 active and one transferred out; 李明
// (liming) in the 机关党总支. Members who left are not counted: the caps are 6, 1 and 0.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { importRosterFile } from '../../src/roster/import.ts';
import { CARE_HEADER, CARE_ROWS } from './care-roster.ts';

const row = (name: string, account: string, gb: string, branch: string, role = '', status = '在册') => `${name},${account},男,1990-01-01,2015-07-01,2016-07-01,${gb},${branch},${role},,,${status}`;
const CS = '计算机学院党总支';

export const HONOURS_ROWS = [
  ...CARE_ROWS.map((r) => `${r},在册`),
  row('张伟', 'zhangwei1', CS, '教工第一党支部'),
  row('张伟', 'zhangwei2', CS, '教工第二党支部'),
  ...Array.from({ length: 34 }, (_, i) => row(`计${i + 1}号`, `ji${i + 1}`, CS, i % 2 ? '教工第一党支部' : '教工第二党支部')),
  row('计去世', '', CS, '教工第一党支部', '', '去世'),
  row('计转出', '', CS, '教工第二党支部', '', '转出'),
  ...Array.from({ length: 5 }, (_, i) => row(`数${i + 1}号`, `shu${i + 1}`, '数学学院党总支', '教工党支部')),
  row('数去世', '', '数学学院党总支', '教工党支部', '', '去世'),
  row('韩总支', 'hanzongzhi', '物理学院党总支', '物理教工党支部', '党总支书记'),
  ...Array.from({ length: 5 }, (_, i) => row(`物${i + 1}号`, `wu${i + 1}`, '物理学院党总支', '物理教工党支部')),
  row('物转出', '', '物理学院党总支', '物理教工党支部', '', '转出'),
  row('李明', 'liming', '机关党总支', '党政办公室党支部'),
];

export async function importHonoursRoster(db: Kysely<Database>): Promise<void> {
  const out = await importRosterFile(db, Buffer.from([`${CARE_HEADER},状态`, ...HONOURS_ROWS].join('\n'), 'utf8'), { today: '2026-11-26' });
  if (!out.ok) throw new Error(`honours roster refused: ${JSON.stringify(out.errors)}`);
}
