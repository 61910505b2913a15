import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/roster/files.ts';
import { parseRoster, type ParseResult, type RowError } from '../../src/roster/parse.ts';
import { csv, FIXTURE_ROWS, HEADER } from '../helpers/roster-fixture.ts';

const parse = (rows: readonly string[], header = HEADER, ctx = {}) => parseRoster(parseCsv(csv(rows, header).toString('utf8')), ctx);
const entries = (r: ParseResult) => {
  if (!r.ok) throw new Error(`unexpected errors: ${JSON.stringify(r.errors)}`);
  return r.entries;
};
const errors = (r: ParseResult): RowError[] => {
  if (r.ok) throw new Error('expected errors, the roster was accepted');
  return r.errors;
};
const base = '吴党员,wudangyuan,男,1990-05-05,2012-05-20,2013-05-20,计算机学院党总支,教工第一党支部,,,,';

describe('parseRoster: a valid file', () => {
  it('normalises every column', () => {
    const list = entries(parse(FIXTURE_ROWS));
    expect(list).toHaveLength(9);
    const wang = list.find((e) => e.name === '王芳')!;
    expect(wang).toMatchObject({
      row: 9,
      userid: 'wangfang01',
      gender: 'female',
      birthDate: '1968-04-01',
      joinDate: '1992-07-01',
      fullMemberDate: '1993-07-01',
      generalBranch: '数学学院党总支',
      branch: '教工党支部',
      roles: ['gb_secretary', 'branch_secretary'],
    });
    expect(list.find((e) => e.name === '钱委员')!.linkedGeneralBranches).toEqual(['数学学院党总支', '计算机学院党总支'].sort());
    expect(list.find((e) => e.name === '周委员')!.roles).toEqual(['gb_member', 'branch_secretary']);
    const zheng = list.find((e) => e.name === '郑预备')!;
    expect(zheng.userid).toBeNull();
    expect(zheng.fullMemberDate).toBeNull();
    expect(list.find((e) => e.name === '吴党员')!.phone).toBe('13800138000');
  });

  it('accepts the English aliases, ignores unknown columns and finds a header below a title row', () => {
    const text = [
      '计算机学院党员花名册,,,,',
      'No,name,join_date,general_branch,branch,role,remark',
      '1,Li Lei,2020-07-01,GB,B1,branch_secretary,x',
    ].join('\n');
    const r = parseRoster(parseCsv(text));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.ignoredColumns).toEqual(['No', 'remark']);
    expect(r.fields).toEqual(expect.arrayContaining(['name', 'join_date', 'general_branch', 'branch', 'role']));
    expect(r.entries[0]).toMatchObject({ row: 3, name: 'Li Lei', roles: ['branch_secretary'] });
  });

  it('removes the padding spaces of Chinese names but keeps those of other names', () => {
    const list = entries(parse(['王  芳,,女,,2001-07-01,,G,B,,,,', 'Li  Lei,,男,,2001-07-01,,G,B,,,,']));
    expect(list.map((e) => e.name)).toEqual(['王芳', 'Li Lei']);
  });

  it('lets a 挂联 name a general branch the database already knows', () => {
    const row = '钱委员,q,男,,1995-05-04,,机关党总支,机关第一党支部,党委委员,,外语学院党总支,';
    expect(errors(parse([row]))[0]!.reason).toContain('外语学院党总支');
    expect(entries(parse([row], HEADER, { knownGeneralBranches: ['外语学院党总支'] }))[0]!.linkedGeneralBranches).toEqual(['外语学院党总支']);
  });
});

describe('parseRoster: bad rows, each listed with its spreadsheet row number', () => {
  it.each([
    ['missing name', ',x1,男,1990-05-05,2012-05-20,,G,B,,,,', '姓名', '缺少姓名'],
    ['missing join date', '甲,x1,男,1990-05-05,,,G,B,,,,', '入党日期', '缺少入党日期'],
    ['unparseable date', '甲,x1,男,1990-05-05,2012年5月,,G,B,,,,', '入党日期', '无法识别为日期'],
    ['impossible date', '甲,x1,男,1990-05-05,2023-02-29,,G,B,,,,', '入党日期', '不是存在的日期'],
    ['full membership before joining', '甲,x1,男,1990-05-05,2012-05-20,2012-05-19,G,B,,,,', '转正日期', '早于入党日期'],
    ['unknown 职务', '甲,x1,男,1990-05-05,2012-05-20,,G,B,书记,,,', '职务', '职务「书记」无法识别'],
    ['挂联 that is no general branch', '甲,x1,男,1990-05-05,2012-05-20,,G,B,党委委员,,不存在党总支,', '挂联党总支', '「不存在党总支」不是已知的党总支'],
    ['bad gender', '甲,x1,M/F,1990-05-05,2012-05-20,,G,B,,,,', '性别', '应填“男”或“女”'],
    ['missing branch', '甲,x1,男,1990-05-05,2012-05-20,,G,,,,,', '党支部', '缺少党支部'],
    ['bad account', '甲,zhang wei,男,1990-05-05,2012-05-20,,G,B,,,,', '账号', '格式不正确'],
    ['joined before birth', '甲,x1,男,1990-05-05,1989-05-20,,G,B,,,,', '入党日期', '早于出生日期'],
    ['挂联 without a committee role', '甲,x1,男,1990-05-05,2012-05-20,,G,B,支部书记,,G,', '挂联党总支', '只有党委书记、党委委员'],
  ])('%s', (_kind, row, column, reason) => {
    const errs = errors(parse([base, row]));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ row: 3, column });
    expect(errs[0]!.reason).toContain(reason);
  });

  it('names the first row of a duplicate 账号, whatever its case', () => {
    const errs = errors(parse([base, '乙,x2,女,,2012-05-20,,G,B,,,,', '丙,WuDangYuan,女,,2012-05-20,,G,B,,,,']));
    expect(errs).toEqual([{ row: 4, column: '账号', reason: '账号「WuDangYuan」与第 2 行重复' }]);
  });

  it('refuses two members of one branch with the same name and no account', () => {
    const errs = errors(parse(['甲,,男,,2012-05-20,,G,B,,,,', '甲,,男,,2013-05-20,,G,B2,,,,', '甲,,女,,2014-05-20,,G,B,,,,']));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ row: 4 });
    expect(errs[0]!.reason).toContain('第 2 行');
  });

  it('refuses a second 党委书记', () => {
    const errs = errors(parse(['甲,a,男,,2012-05-20,,G,B,党委书记,,,', '乙,b,男,,2012-05-20,,G,B,党委书记,,,']));
    expect(errs).toEqual([expect.objectContaining({ row: 3, column: '职务' })]);
  });

  it('lists every bad row and every reason of a row, not just the first', () => {
    const errs = errors(parse([',x1,男,,,,G,B,,,,', base, '乙,x3,男,,2012-13-01,2011-01-01,G,B,校长,,,']));
    expect(errs.map((e) => e.row)).toEqual([2, 2, 4, 4]);
    expect(errs.map((e) => e.column)).toEqual(['姓名', '入党日期', '入党日期', '职务']);
  });

  it('reports a missing required column on the header row, and a file without a header', () => {
    const errs = errors(parse(['甲,G,B'], '姓名,党总支,党支部'));
    expect(errs).toEqual([{ row: 1, reason: '缺少“入党日期”列' }]);
    expect(errors(parseRoster(parseCsv('a,b\n1,2\n')))[0]).toMatchObject({ row: 1, reason: expect.stringContaining('找不到表头') });
    expect(errors(parseRoster(parseCsv(`${HEADER}\r\n`)))).toEqual([{ row: 2, reason: '名册中没有党员' }]);
  });

  it('skips blank rows but keeps the numbering of the sheet', () => {
    const errs = errors(parse([base, ',,,,,,,,,,,', '乙,x2,男,,,,G,B,,,,']));
    expect(errs).toEqual([expect.objectContaining({ row: 4, reason: '缺少入党日期' })]);
  });
});

describe('parseRoster: 钉钉账号 (issue 15)', () => {
  const H = '姓名,账号,钉钉账号,入党日期,党总支,党支部';

  it('reads the column and its aliases; an empty cell is null, and a file without it has no such field', () => {
    const r = parse(['甲,jia01,JiaDing,2012-05-20,G,B', '乙,,yiding,2012-05-20,G,B', '丙,bing01,,2012-05-20,G,B'], H);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.fields).toContain('dingtalk_userid');
    expect(r.entries.map((e) => [e.userid, e.dingtalkUserid])).toEqual([['jia01', 'JiaDing'], [null, 'yiding'], ['bing01', null]]);
    for (const alias of ['dingtalk_userid', 'dingtalk', 'DingTalk', '钉钉帐号', '钉钉userid', '钉钉ID', '钉钉账号（工号）']) {
      const a = parse(['甲,jia01,jd,2012-05-20,G,B'], H.replace('钉钉账号', alias));
      expect(a.ok && a.entries[0]!.dingtalkUserid, alias).toBe('jd');
    }
    const without = parse(['甲,jia01,2012-05-20,G,B'], '姓名,账号,入党日期,党总支,党支部');
    expect(without.ok && without.fields.includes('dingtalk_userid')).toBe(false);
    expect(without.ok && without.entries[0]!.dingtalkUserid).toBeNull();
  });

  it('refuses a 钉钉账号 that is no userid (the 账号 rule: letters, digits, _ . @ -, at most 64)', () => {
    expect(errors(parse(['甲,jia01,zhang wei,2012-05-20,G,B'], H))).toEqual([
      { row: 2, column: '钉钉账号', reason: '钉钉账号「zhang wei」格式不正确：只能包含字母、数字和 _ . @ -，最长64位' },
    ]);
    expect(errors(parse([`甲,,${'a'.repeat(65)},2012-05-20,G,B`], H))[0]).toMatchObject({ row: 2, column: '钉钉账号' });
    expect(entries(parse([`甲,,${'a'.repeat(64)},2012-05-20,G,B`], H))[0]!.dingtalkUserid).toHaveLength(64);
  });

  it('refuses a 钉钉账号 twice in the file, whatever its case, naming both rows', () => {
    expect(errors(parse(['甲,jia01,ding01,2012-05-20,G,B', '乙,yi01,x,2012-05-20,G,B', '丙,bing01,DING01,2012-05-20,G,B'], H))).toEqual([
      { row: 4, column: '钉钉账号', reason: '钉钉账号「DING01」与第 2 行重复' },
    ]);
  });

  it('refuses a row without 账号 whose 钉钉账号 is another row\'s 账号 (it would be their key), before or after it', () => {
    const clash = '钉钉账号「JIA01」与第 2 行的账号相同：没有账号的党员以钉钉账号作为账号，两人不能共用；如是同一人，请合并为一行';
    expect(errors(parse(['甲,jia01,,2012-05-20,G,B', '乙,,JIA01,2012-05-20,G,B'], H))).toEqual([{ row: 3, column: '钉钉账号', reason: clash }]);
    expect(errors(parse(['乙,,jia01,2012-05-20,G,B', '甲,JIA01,,2012-05-20,G,B'], H))).toEqual([
      { row: 2, column: '钉钉账号', reason: clash.replace('JIA01', 'jia01').replace('第 2 行', '第 3 行') },
    ]);
    // With a 账号 of its own the row is known by that: its 钉钉账号 may be anything not taken as a 钉钉账号.
    expect(entries(parse(['甲,jia01,yi01,2012-05-20,G,B', '乙,yi01,jia01,2012-05-20,G,B'], H))).toHaveLength(2);
    // One person's own 账号 and 钉钉账号 may be the same (the demo university's staff numbers).
    expect(entries(parse(['甲,jia01,JIA01,2012-05-20,G,B'], H))[0]).toMatchObject({ userid: 'jia01', dingtalkUserid: 'JIA01' });
  });

  it('a 钉钉账号 tells apart two namesakes of one branch without 账号', () => {
    expect(entries(parse(['甲,,ding01,2012-05-20,G,B', '甲,,ding02,2013-05-20,G,B'], H))).toHaveLength(2);
  });
});
