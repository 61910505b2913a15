// The roster's 钉钉账号 in the plan (issue 15): matching by it, keeping it when the file has no such column,
// removing it on an empty cell, and a DingTalk-only member who gains a 账号. Pure: parse + plan on a state.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/roster/files.ts';
import { parseRoster } from '../../src/roster/parse.ts';
import { planImport, type PlannedMember } from '../../src/roster/plan.ts';
import type { MemberRow, RosterState } from '../../src/roster/repository.ts';
import { csv, TODAY } from '../helpers/roster-fixture.ts';

const H = '姓名,账号,钉钉账号,入党日期,党总支,党支部';
const member = (id: string, name: string, userid: string | null, dingtalkUserid: string | null, useridFromDingtalk = false): MemberRow => ({
  id,
  name,
  userid,
  dingtalkUserid,
  useridFromDingtalk,
  gender: null,
  birthDate: null,
  joinDate: '2012-05-20',
  fullMemberDate: null,
  branchId: '3',
  cadreLevel: null,
  phone: null,
  status: 'active',
  statusChangedOn: null,
});
// 甲 has only a WeCom 账号, 乙 only a DingTalk account (so that is their userid), 丙 both.
const STATE: RosterState = {
  organisations: [
    { id: '1', kind: 'committee', name: '党委', parentId: null },
    { id: '2', kind: 'general_branch', name: 'G', parentId: '1' },
    { id: '3', kind: 'branch', name: 'B', parentId: '2' },
  ],
  members: [member('10', '甲', 'jia01', null), member('11', '乙', 'yiding', 'yiding', true), member('12', '丙', 'bing01', 'bingding')],
  roles: [],
  links: [],
};

function plan(rows: readonly string[], header = H) {
  const parsed = parseRoster(parseCsv(csv(rows, header).toString('utf8')), { today: TODAY });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return planImport(parsed.entries, parsed.fields, STATE, TODAY);
}
function planned(rows: readonly string[], header = H): PlannedMember[] {
  const p = plan(rows, header);
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return p.plan.members;
}
const view = (p: PlannedMember) => ({
  matched: p.existing?.id ?? null,
  userid: p.desired.userid,
  dingtalkUserid: p.desired.dingtalkUserid,
  useridFromDingtalk: p.desired.useridFromDingtalk,
  changed: p.changedFields,
});
const UNCHANGED = ['甲,jia01,,2012-05-20,G,B', '乙,,yiding,2012-05-20,G,B', '丙,bing01,bingding,2012-05-20,G,B'];

describe('planning 钉钉账号', () => {
  it('the roster as the export writes it changes nothing: a DingTalk-only member has a blank 账号', () => {
    expect(planned(UNCHANGED).map(view)).toEqual([
      { matched: '10', userid: 'jia01', dingtalkUserid: null, useridFromDingtalk: false, changed: [] },
      { matched: '11', userid: 'yiding', dingtalkUserid: 'yiding', useridFromDingtalk: true, changed: [] },
      { matched: '12', userid: 'bing01', dingtalkUserid: 'bingding', useridFromDingtalk: false, changed: [] },
    ]);
    expect(planned(UNCHANGED).every((p) => !p.memberFieldsChange)).toBe(true);
  });

  it('matches by 账号, then by 钉钉账号 (whatever the case), then by name + branch', () => {
    // Renamed and moved on paper: 乙 is found by the DingTalk account alone; 丙 by it although the 账号 changed.
    const [yi, bing] = planned(['乙改名,,YIDING,2012-05-20,G,B', '丙,bing02,bingding,2012-05-20,G,B']);
    expect(view(yi!)).toMatchObject({ matched: '11', userid: 'YIDING', useridFromDingtalk: true, changed: ['姓名', '钉钉账号'] });
    expect(view(bing!)).toMatchObject({ matched: '12', userid: 'bing02', changed: ['账号'] });
    // A 账号 finds its owner before a 钉钉账号 does: 甲 by jia01 although the row names 丙's DingTalk account.
    const [jia, other] = planned(['甲,jia01,bingding,2012-05-20,G,B', '丙,bing01,,2012-05-20,G,B']);
    expect(view(jia!)).toMatchObject({ matched: '10', dingtalkUserid: 'bingding', changed: ['钉钉账号'] });
    expect(view(other!)).toMatchObject({ matched: '12', dingtalkUserid: null, changed: ['钉钉账号'] });
  });

  it('a row with a 钉钉账号 does not adopt a namesake who has another one', () => {
    const p = plan(['丙,bingnew,,2012-05-20,G,B'].map((r) => r.replace(',,', ',otherding,')));
    if (!p.ok) throw new Error(JSON.stringify(p.errors));
    expect(p.plan.members.map(view)).toEqual([{ matched: null, userid: 'bingnew', dingtalkUserid: 'otherding', useridFromDingtalk: false, changed: [] }]);
    expect(p.plan.missing.map((m) => m.name).sort()).toEqual(['丙', '乙', '甲']);
  });

  it('keeps every 钉钉账号 when the file has no such column, and a DingTalk-only member keeps theirs as userid', () => {
    const p = planned(['甲,jia01,2012-05-20,G,B', '乙,,2012-05-20,G,B', '丙,bing01,2012-05-20,G,B'], '姓名,账号,入党日期,党总支,党支部');
    expect(p.map(view)).toEqual([
      { matched: '10', userid: 'jia01', dingtalkUserid: null, useridFromDingtalk: false, changed: [] },
      { matched: '11', userid: 'yiding', dingtalkUserid: 'yiding', useridFromDingtalk: true, changed: [] },
      { matched: '12', userid: 'bing01', dingtalkUserid: 'bingding', useridFromDingtalk: false, changed: [] },
    ]);
  });

  it('removes the DingTalk account on an empty cell; a DingTalk-only member is then left without any account', () => {
    const p = planned(['乙,,,2012-05-20,G,B', '丙,bing01,,2012-05-20,G,B']);
    expect(p.map(view)).toEqual([
      { matched: '11', userid: null, dingtalkUserid: null, useridFromDingtalk: false, changed: ['钉钉账号'] },
      { matched: '12', userid: 'bing01', dingtalkUserid: null, useridFromDingtalk: false, changed: ['钉钉账号'] },
    ]);
  });

  it('a DingTalk-only member who gets a 账号 is known by it from then on (the report says 账号 changed)', () => {
    expect(planned(['乙,yi01,yiding,2012-05-20,G,B']).map(view)).toEqual([
      { matched: '11', userid: 'yi01', dingtalkUserid: 'yiding', useridFromDingtalk: false, changed: ['账号'] },
    ]);
    // The same number on both: found by the 账号 (their userid already), now a WeCom account too.
    const [same] = planned(['乙,yiding,yiding,2012-05-20,G,B']);
    expect(view(same!)).toEqual({ matched: '11', userid: 'yiding', dingtalkUserid: 'yiding', useridFromDingtalk: false, changed: ['账号'] });
    expect(same!.memberFieldsChange).toBe(true);
    // Another DingTalk account under the same name is someone else, as another 账号 would be.
    expect(planned(['乙,,yiding2,2012-05-20,G,B']).map(view)).toEqual([
      { matched: null, userid: 'yiding2', dingtalkUserid: 'yiding2', useridFromDingtalk: true, changed: [] },
    ]);
  });

  it('a new member with only a 钉钉账号 is known by it', () => {
    expect(planned([...UNCHANGED, '丁,,dingding,2012-05-20,G,B']).map(view)[3]).toEqual({
      matched: null,
      userid: 'dingding',
      dingtalkUserid: 'dingding',
      useridFromDingtalk: true,
      changed: [],
    });
  });

  it('refuses a 钉钉账号, on a row without 账号, that is the 账号 of a member the file keeps', () => {
    // 甲 is not in the file: they keep jia01.
    expect(plan(['戊,,JIA01,2012-05-20,G,B'])).toEqual({
      ok: false,
      errors: [{ row: 2, column: '钉钉账号', reason: '钉钉账号「JIA01」与党员“甲”的账号相同：没有账号的党员以钉钉账号作为账号，两人不能共用；如是同一人，请在本行填写其账号' }],
    });
    // No 账号 column: 甲 keeps jia01 through their own row.
    const p = plan(['甲,,2012-05-20,G,B', '戊,jia01,2012-05-20,G,B'], '姓名,钉钉账号,入党日期,党总支,党支部');
    expect(p.ok || p.errors).toEqual([expect.objectContaining({ row: 3, reason: expect.stringContaining('与第 2 行“甲”的账号相同') })]);
    // 丙 in the file under another 账号 (found by the DingTalk account) frees bing01.
    expect(planned(['丙,bing02,bingding,2012-05-20,G,B', '戊,,bing01,2012-05-20,G,B']).map(view)[1]).toMatchObject({ matched: null, userid: 'bing01', useridFromDingtalk: true });
  });
});
