// The care roster plus old members for the 光荣在党50年 certificate tests (issue 13 section 6): one reaching 50 in
// 2027 (钱满年), one with a 29 February 1976 full-membership date and no account (冯老), a deceased and a transferred
// old member, one without a full-membership date, one in another GB (杨数学), two namesakes in two GBs (王同名), and
// one reaching 50 only in 2028 (许明年). 郑老党员 (1967) is in the care roster.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { CARE_ROWS, importCareRoster } from './care-roster.ts';

export const CERTIFICATE_ROWS = [
  '钱满年,qianmannian,男,1950-03-03,1976-03-01,1977-06-01,计算机学院党总支,教工第一党支部,,,',
  '冯老,,男,1945-01-01,1975-02-28,1976-02-29,计算机学院党总支,教工第一党支部,,,',
  '卫去世,weiqushi,男,1938-01-01,1959-01-01,1960-01-01,计算机学院党总支,教工第一党支部,,,',
  '蒋转出,jiangzhuanchu,男,1940-01-01,1964-01-01,1965-01-01,计算机学院党总支,教工第一党支部,,,',
  '韩无转正,hanwuzhuanzheng,男,1940-01-01,1970-01-01,,计算机学院党总支,教工第一党支部,,,',
  '杨数学,yangshuxue,女,1948-01-01,1971-05-01,1972-05-01,数学学院党总支,教工党支部,,,',
  '王同名,wangtongming1,男,1946-01-01,1969-01-01,1970-01-01,计算机学院党总支,教工第一党支部,,,',
  '王同名,wangtongming2,男,1947-01-01,1969-06-01,1970-01-01,数学学院党总支,教工党支部,,,',
  '许明年,xumingnian,男,1952-01-01,1977-01-01,1978-01-01,计算机学院党总支,教工第一党支部,,,',
];

/** The extra rows, the deceased and the transferred member marked as such. */
export async function importCertificateRoster(db: Kysely<Database>): Promise<void> {
  await importCareRoster(db, [...CARE_ROWS, ...CERTIFICATE_ROWS]);
  await db.updateTable('members').set({ status: 'deceased', status_changed_on: '2026-12-01' }).where('userid', '=', 'weiqushi').execute();
  await db.updateTable('members').set({ status: 'transferred_out', status_changed_on: '2026-12-01' }).where('userid', '=', 'jiangzhuanchu').execute();
}

