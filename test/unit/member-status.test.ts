// Issue 11, point 9, the pure part: the roster's 状态 column (在册/去世/转出, alias `status`) is read into the
// canonical codes, refused when it names no status, and planned: 去世 and 转出 change the status as of today,
// 在册 brings a member back, an empty cell (or no column) leaves a deceased member deceased.
import { describe, expect, it } from 'vitest';
import { memberStatusFromLabel, MEMBER_STATUS_LABELS } from '../../src/domain/roster.ts';
import { parseCsv } from '../../src/roster/files.ts';
import { parseRoster, type ParseResult } from '../../src/roster/parse.ts';
import { planImport } from '../../src/roster/plan.ts';
import type { MemberRow, RosterState } from '../../src/roster/repository.ts';
import { csv, HEADER, TODAY } from '../helpers/roster-fixture.ts';

const ROW = '吴党员,wudangyuan,男,1990-05-05,2012-05-20,2013-05-20,计算机学院党总支,教工第一党支部,,,,';
const parse = (cells: string[], header = `${HEADER},状态`): ParseResult =>
  parseRoster(parseCsv(csv(cells.map((c) => `${ROW},${c}`), header).toString('utf8')), { today: TODAY });

describe('memberStatusFromLabel', () => {
  it('reads the labels, the codes and common variants; nothing else', () => {
    expect(Object.values(MEMBER_STATUS_LABELS)).toEqual(['在册', '去世', '转出']);
    expect(['在册', '去世', '转出', 'active', 'deceased', 'transferred_out', 'Deceased', ' 已故 ', '已转出'].map(memberStatusFromLabel)).toEqual([
      'active',
      'deceased',
      'transferred_out',
      'active',
      'deceased',
      'transferred_out',
      'deceased',
      'deceased',
      'transferred_out',
    ]);
    expect(memberStatusFromLabel('退休')).toBeUndefined();
    expect(memberStatusFromLabel('')).toBeUndefined();
  });
});

describe('the 状态 column', () => {
  it('is read under its Chinese header and the alias status; an empty cell is null', () => {
    const r = parse(['去世']);
    expect(r.ok && r.entries[0]!.status).toBe('deceased');
    const alias = parse(['transferred_out'], `${HEADER},status`);
    expect(alias.ok && alias.fields.includes('status') && alias.entries[0]!.status).toBe('transferred_out');
    const empty = parse(['']);
    expect(empty.ok && empty.entries[0]!.status).toBeNull();
  });

  it('a value that names no status is a row error naming the column', () => {
    const r = parse(['退休']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ row: 2, column: '状态', reason: '状态「退休」无法识别，可填：在册、去世、转出' }]);
  });
});

describe('planning a status change', () => {
  const state = (status: MemberRow['status']): RosterState => ({
    organisations: [
      { id: '1', kind: 'committee', name: '党委', parentId: null },
      { id: '2', kind: 'general_branch', name: '计算机学院党总支', parentId: '1' },
      { id: '3', kind: 'branch', name: '教工第一党支部', parentId: '2' },
    ],
    members: [
      {
        id: '10',
        name: '吴党员',
        userid: 'wudangyuan',
        dingtalkUserid: null,
        useridFromDingtalk: false,
        gender: 'male',
        birthDate: '1990-05-05',
        joinDate: '2012-05-20',
        fullMemberDate: '2013-05-20',
        branchId: '3',
        cadreLevel: null,
        phone: null,
        status,
        statusChangedOn: status === 'active' ? null : '2026-01-01',
      },
    ],
    roles: [],
    links: [],
  });
  const plan = (cell: string | undefined, status: MemberRow['status']) => {
    const parsed = cell === undefined ? parseRoster(parseCsv(csv([ROW]).toString('utf8')), { today: TODAY }) : parse([cell]);
    if (!parsed.ok) throw new Error('parse failed');
    const p = planImport(parsed.entries, parsed.fields, state(status), TODAY);
    if (!p.ok) throw new Error('plan failed');
    return { desired: p.plan.members[0]!.desired, changed: p.plan.members[0]!.changedFields, warnings: p.plan.warnings };
  };

  it('去世 and 转出 change the status as of today, and the change is reported under 状态', () => {
    expect(plan('去世', 'active')).toMatchObject({ desired: { status: 'deceased', statusChangedOn: TODAY }, changed: ['状态'] });
    expect(plan('转出', 'active')).toMatchObject({ desired: { status: 'transferred_out', statusChangedOn: TODAY }, changed: ['状态'] });
  });

  it('the same status again changes nothing (its date stays)', () => {
    expect(plan('去世', 'deceased')).toMatchObject({ desired: { status: 'deceased', statusChangedOn: '2026-01-01' }, changed: [] });
  });

  it('an empty cell, or no column, leaves a deceased member deceased, with a warning', () => {
    for (const cell of ['', undefined]) {
      const p = plan(cell, 'deceased');
      expect(p.desired.status).toBe('deceased');
      expect(p.warnings).toEqual(['第 2 行：吴党员 已登记为去世，名册中仍有此人，未改变其状态']);
    }
  });

  it('在册 brings a deceased member back (a correction), with a warning to check', () => {
    const p = plan('在册', 'deceased');
    expect(p.desired).toMatchObject({ status: 'active', statusChangedOn: TODAY });
    expect(p.warnings).toEqual(['第 2 行：吴党员 原登记为去世，已按名册“状态”改为在册，请核对']);
  });
});
