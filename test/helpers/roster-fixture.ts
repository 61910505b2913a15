// A small roster in the secretaries' own notation (mixed date styles, both list separators, a 29 February),
// shared by the roster tests. Who answers for 吴党员: 周委员 (branch secretary and GB committee member),
// 孙总支 (GB secretary), 钱委员 (linked committee member), 赵组织 (OD).
export const TODAY = '2026-11-26';

export const HEADER = '姓名,账号,性别,出生日期,入党日期,转正日期,党总支,党支部,职务,干部级别,挂联党总支,手机';

export const FIXTURE_ROWS = [
  '李书记,lishuji,男,1965-03-02,1988-06-01,1989-06-01,机关党总支,组织人事党支部,党委书记,正厅级,,13900000001',
  '赵组织,zhaozuzhi,女,1980-01-15,2003-07-01,2004-07-01,机关党总支,组织人事党支部,组织部,正科级,,',
  '钱委员,qianweiyuan,男,1970-08-08,1995-05-04,1996-05-04,机关党总支,党政办公室党支部,党委委员,副厅级,计算机学院党总支、数学学院党总支,',
  '孙总支,sunzongzhi,男,1975-02-28,2000-02-29,2001-03-01,计算机学院党总支,教工第一党支部,党总支书记,正处级,,',
  '周委员,zhouweiyuan,女,1982-12-12,2006-06-06,2007-06-06,计算机学院党总支,教工第一党支部,党总支委员;支部书记,,,',
  '吴党员,wudangyuan,男,1990-05-05,2012-05-20,2013-05-20,计算机学院党总支,教工第一党支部,,,,13800138000',
  '郑预备,,女,2004-09-09,2026-05-01,,计算机学院党总支,本科生第一党支部,,,,',
  '王芳,wangfang01,女,1968/4/1,1992.7.1,1993年7月1日,数学学院党总支,教工党支部,支部书记、党总支书记,,,',
  '王芳芳,wangfangfang01,女,1999-10-01,2020-10-01,2021-10-01,数学学院党总支,教工党支部,,,,',
];

export function csv(rows: readonly string[] = FIXTURE_ROWS, header = HEADER): Buffer {
  return Buffer.from(`${[header, ...rows].join('\r\n')}\r\n`, 'utf8');
}
