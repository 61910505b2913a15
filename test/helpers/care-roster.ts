// A small organisation for care-calendar tests: who has a political birthday on 26 November, a member who
// joined on 29 February, secretaries at each level, and the OD.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { importRosterFile } from '../../src/roster/import.ts';

export const CARE_HEADER = '姓名,账号,性别,出生日期,入党日期,转正日期,党总支,党支部,职务,干部级别,挂联党总支';
export const CARE_ROWS = [
  '李书记,lishuji,男,1965-03-02,1988-06-01,1989-06-01,机关党总支,组织人事党支部,党委书记,正厅级,',
  '赵组织,zhaozuzhi,女,1980-01-15,2003-07-01,2004-07-01,机关党总支,组织人事党支部,组织部,正科级,',
  '钱委员,qianweiyuan,男,1970-08-08,1995-05-04,1996-05-04,机关党总支,党政办公室党支部,党委委员,副厅级,计算机学院党总支',
  '孙总支,sunzongzhi,男,1975-02-28,2000-02-29,2001-03-01,计算机学院党总支,教工第一党支部,党总支书记,正处级,',
  '周支书,zhouzhishu,女,1982-12-12,2006-06-06,2007-06-06,计算机学院党总支,教工第一党支部,党总支委员;支部书记,,',
  '吴生日,wushengri,男,1990-05-05,2012-11-26,2013-11-26,计算机学院党总支,教工第一党支部,,,',
  '郑老党员,zhenglao,男,1940-01-01,1966-11-26,1967-11-26,计算机学院党总支,教工第一党支部,,,',
  '王今年,wangjinnian,女,2004-09-09,2026-11-26,,计算机学院党总支,教工第一党支部,,,',
  '冯无号,,男,1991-01-01,2015-11-26,2016-11-26,计算机学院党总支,教工第一党支部,,,',
  '陈别支,chenbiezhi,女,1985-03-03,2010-11-26,2011-11-26,数学学院党总支,教工党支部,,,',
  '褚支书,chuzhishu,男,1978-04-04,2001-04-04,2002-04-04,数学学院党总支,教工党支部,支部书记;党总支书记,,',
];

export async function importCareRoster(db: Kysely<Database>, rows = CARE_ROWS): Promise<void> {
  const out = await importRosterFile(db, Buffer.from([CARE_HEADER, ...rows].join('\n'), 'utf8'), { today: '2026-11-26' });
  if (!out.ok) throw new Error(`care roster refused: ${JSON.stringify(out.errors)}`);
}
