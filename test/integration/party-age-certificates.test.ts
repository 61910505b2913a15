// Issue 13 section 6, 光荣在党50年 certificates, against a real database (PostgreSQL and PGlite): who is due (this
// year's and the backlog; deceased, transferred and not-yet-50 members left out; no full-membership date named
// apart), confirming (once) and recording (once, a number once), the January list planned for the OD on the first
// working day only, and the export (CSV and JSON, due|confirmed|issued, scoped by the access rule).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartyAgeCertificateRepository } from '../../src/db/party-age-certificate-repository.ts';
import { OD_VIEWER, viewerOf } from '../../src/domain/access.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { DEFAULT_SCHEDULE_SETTINGS, noticesDueOn } from '../../src/domain/schedule.ts';
import { collectIncentive, incentiveExportBytes } from '../../src/incentive/export.ts';
import { plannerFor } from '../../src/notices/planners/index.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCertificateRoster } from '../helpers/certificate-roster.ts';

const T1 = new Date('2027-01-01T02:00:00Z');

describe.each(DB_KINDS)('光荣在党50年 certificates on %s', (kind) => {
  let db: TestDb;
  let repo: PartyAgeCertificateRepository;
  const memberId = async (userid: string) => (await db.db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id;
  const byName = async (name: string) => (await db.db.selectFrom('members').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCertificateRoster(db.db);
    repo = new PartyAgeCertificateRepository(db.db);
  });
  afterAll(() => db.drop());

  it('due in 2027: this year and the backlog, oldest first; not the deceased, the transferred or next year’s', async () => {
    const due = await repo.due(2027, 50);
    expect(due.map((r) => r.name)).toEqual(['郑老党员', '王同名', '王同名', '杨数学', '冯老', '钱满年']);
    expect(due.find((r) => r.name === '冯老')).toMatchObject({ full_member_on: '1976-02-29', userid: null, branch: '教工第一党支部', general_branch: '计算机学院党总支' });
    expect((await repo.due(2026, 50)).map((r) => r.name)).not.toContain('钱满年');
    expect((await repo.withoutFullMemberDate(2027, 50)).map((r) => r.name)).toEqual(['韩无转正']);
    // 王今年 (joined 2026, no full-membership date) cannot be 50: not named.
    expect((await repo.withoutFullMemberDate(2027, 50)).map((r) => r.name)).not.toContain('王今年');
  });

  it('confirming once; recording once, eligibility kept; a number once; the issued leave the due list', async () => {
    const zheng = await memberId('zhenglao');
    const od = await memberId('zhaozuzhi');
    expect(await repo.confirm(zheng, od, T1)).toBe(true);
    expect(await repo.confirm(zheng, od, new Date(T1.getTime() + 1000))).toBe(false);
    expect(await repo.issue(zheng, { issuedOn: '2027-01-01', certificateNo: '2027-001', byMemberId: od, at: T1 })).toBe(true);
    expect(await repo.issue(zheng, { issuedOn: '2027-01-01', certificateNo: null, byMemberId: od, at: T1 })).toBe(false);
    const row = (await repo.lockStanding(zheng))!;
    expect(row).toMatchObject({ issued_on: '2027-01-01', certificate_no: '2027-001', eligibility_confirmed_by_name: '赵组织', recorded_by_account: 'zhaozuzhi' });
    expect(row.eligibility_confirmed_at!.toISOString()).toBe(T1.toISOString());
    expect(await repo.holderOfNumber('2027-001')).toEqual({ name: '郑老党员', issued_on: '2027-01-01' });
    // Issuing without a confirmation confirms with it; the unique number is the table's too.
    const feng = await byName('冯老');
    expect(await repo.issue(feng, { issuedOn: '2026-07-01', certificateNo: null, byMemberId: od, at: T1 })).toBe(true);
    expect((await repo.lockStanding(feng))!.eligibility_confirmed_by_name).toBe('赵组织');
    await expect(repo.issue(await memberId('qianmannian'), { issuedOn: '2027-01-01', certificateNo: '2027-001', byMemberId: od, at: T1 })).rejects.toThrow();
    expect((await repo.due(2027, 50)).map((r) => r.name)).toEqual(['王同名', '王同名', '杨数学', '钱满年']);
    expect((await repo.issued()).map((r) => r.name)).toEqual(['郑老党员', '冯老']);
  });

  it('the January list: on the first working day only, to the OD, this year’s and the backlog with the first card', async () => {
    const calendar = chineseWorkingDayCalendar();
    const ctx = { calendar, settings: DEFAULT_SCHEDULE_SETTINGS };
    expect(noticesDueOn('2027-01-04', ctx).some((n) => n.kind === 'party_age_honour_list')).toBe(false);
    expect(noticesDueOn('2027-02-01', ctx).some((n) => n.kind === 'party_age_honour_list')).toBe(false);
    const notice = noticesDueOn('2027-01-01', ctx).find((n) => n.kind === 'party_age_honour_list')!;
    const planned = await plannerFor('party_age_honour_list').plan(db.db, notice, { date: '2027-01-01', late: false, birthdayBasis: 'join_date', holidayListDaysBefore: 14, calendar });
    expect(new Set(planned.map((p) => p.recipientUserid))).toEqual(new Set(['zhaozuzhi']));
    const list = planned.filter((p) => p.message.type === 'markdown').map((p) => (p.message as { content: string }).content).join('\n');
    expect(list).toContain('2027年“光荣在党50年”纪念证书名单');
    expect(list).toContain('今年党龄满50年（1 名）');
    expect(list).toContain('钱满年（计算机学院党总支教工第一党支部；1977年6月转正，今年党龄满50年）');
    expect(list).toContain('往年已满50年、尚未登记颁发（3 名）');
    expect(list).toContain('杨数学（数学学院党总支教工党支部；1972年5月转正，党龄54年）');
    expect(list).toContain('韩无转正（教工第一党支部，1970年1月入党）');
    for (const absent of ['郑老党员', '冯老', '卫去世', '蒋转出', '许明年']) expect(list, absent).not.toContain(absent);
    const card = planned.find((p) => p.message.type === 'card')!.message as { card: { title: string; buttons: Array<{ text: string }> } };
    expect(card.card.title).toBe('光荣在党50年纪念证书（1/4）');
    expect(card.card.buttons.map((b) => b.text)).toEqual(['确认符合条件', '登记颁发', '下一位']);
  });

  it('the export: issued, confirmed and due rows with their columns, CSV and JSON; a secretary sees their scope only', async () => {
    const wang = (await repo.due(2027, 50)).find((r) => r.userid === 'wangtongming1')!.member_id;
    await repo.confirm(wang, await memberId('zhaozuzhi'), T1);
    const rows = await collectIncentive(db.db, 'certificates', { today: '2027-01-01', timeZone: 'Asia/Shanghai', viewer: OD_VIEWER, chunkSize: 2 });
    expect(rows.map((r) => [r.member_name, r.state].join(' '))).toEqual(['郑老党员 issued', '钱满年 due', '冯老 issued', '杨数学 due', '王同名 confirmed', '王同名 due']);
    expect(rows[0]).toEqual({
      member_account: 'zhenglao',
      member_name: '郑老党员',
      general_branch: '计算机学院党总支',
      branch: '教工第一党支部',
      full_member_on: '1967-11-26',
      party_age_year: 2017,
      state: 'issued',
      eligibility_confirmed_at: '2027-01-01T10:00:00+08:00',
      eligibility_confirmed_by_account: 'zhaozuzhi',
      eligibility_confirmed_by_name: '赵组织',
      issued_on: '2027-01-01',
      certificate_no: '2027-001',
      recorded_by_account: 'zhaozuzhi',
      recorded_by_name: '赵组织',
      recorded_at: '2027-01-01T10:00:00+08:00',
    });
    expect(rows.find((r) => r.member_name === '钱满年')).toMatchObject({ party_age_year: 2027, eligibility_confirmed_at: null, issued_on: null, recorded_by_name: null });
    // from/to bound the issue dates; due rows stay.
    const later = await collectIncentive(db.db, 'certificates', { today: '2027-01-01', from: '2026-12-01' });
    expect(later.map((r) => r.member_name)).not.toContain('冯老');
    expect(later.map((r) => r.member_name)).toContain('钱满年');

    let csv = '';
    for await (const b of incentiveExportBytes(db.db, 'certificates', 'csv', { today: '2027-01-01' })) csv += b.toString('utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('member_account,member_name,general_branch,branch,full_member_on,party_age_year,state,eligibility_confirmed_at,eligibility_confirmed_by_account,eligibility_confirmed_by_name,issued_on,certificate_no,recorded_by_account,recorded_by_name,recorded_at');
    expect(lines).toHaveLength(7);
    expect(lines.find((l) => l.includes('冯老'))).toContain(',1976-02-29,2026,issued,');
    let json = '';
    for await (const b of incentiveExportBytes(db.db, 'certificates', 'json', { today: '2027-01-01' })) json += b.toString('utf8');
    expect(json.trim().split('\n').map((l) => (JSON.parse(l) as { state: string }).state)).toEqual(['issued', 'due', 'issued', 'due', 'confirmed', 'due']);

    const chu = await loadAccessPerson(db.db, await memberId('chuzhishu'));
    const zhou = await loadAccessPerson(db.db, await memberId('zhouzhishu'));
    const plain = await loadAccessPerson(db.db, await memberId('wushengri'));
    expect((await collectIncentive(db.db, 'certificates', { today: '2027-01-01', viewer: viewerOf(chu!) })).map((r) => r.member_name)).toEqual(['杨数学', '王同名']);
    expect((await collectIncentive(db.db, 'certificates', { today: '2027-01-01', viewer: viewerOf(zhou!) })).map((r) => r.member_name)).toEqual(['郑老党员', '钱满年', '冯老', '王同名']);
    expect(await collectIncentive(db.db, 'certificates', { today: '2027-01-01', viewer: viewerOf(plain!) })).toEqual([]);
  });
});
