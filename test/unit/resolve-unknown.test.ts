// Issue 9 points 7 and 10, the pure rules: dates of other years carry the year; a name the roster does not know
// is found where a name goes, and its close matches (one edit, or the same pinyin) in the writer's reach.
import { describe, expect, it } from 'vitest';
import { chineseDate } from '../../src/domain/format.ts';
import { closeMatches, withinOneEdit, writtenNames } from '../../src/conversation/interpret/resolve-unknown.ts';
import { buildRosterIndex } from '../../src/conversation/interpret/roster-index.ts';

describe('chineseDate (issue 9 point 7)', () => {
  it('shows the year whenever it is not the current one', () => {
    expect(chineseDate('2026-11-23', '2026-11-26')).toBe('11月23日');
    expect(chineseDate('2025-11-23', '2026-11-26')).toBe('2025年11月23日');
    expect(chineseDate('2027-01-04', '2026-12-30')).toBe('2027年1月4日');
  });
});

describe('unknown names (issue 9 point 10)', () => {
  const index = buildRosterIndex(
    [
      ['1', 'zhangwei01', '张伟', 'b1'],
      ['2', 'zhangwei02', '章伟', 'b1'],
      ['3', 'libai09', '李柏', 'b2'],
      ['4', 'ouyang01', '欧阳明', 'b1'],
    ].map(([memberId, userid, name, branchId]) => ({ memberId: memberId!, userid: userid!, name: name!, branchId: branchId!, generalBranchId: 'g1', status: 'active' })),
  );
  it('finds the name written where a name goes, up to the word after it', () => {
    expect(writtenNames('今天和李白谈心了')).toEqual(['李白']);
    expect(writtenNames('报告:张为住院了')).toEqual(['张为']);
    expect(writtenNames('走访欧阳名,患病住院')).toEqual(['欧阳名']);
    expect(writtenNames('已谈,情绪稳定')).toEqual([]);
    expect(writtenNames('和他谈心了')).toEqual([]);
  });
  it('one edit apart', () => {
    expect(withinOneEdit('张为', '张伟')).toBe(true);
    expect(withinOneEdit('欧阳名', '欧阳明')).toBe(true);
    expect(withinOneEdit('欧阳', '欧阳明')).toBe(true);
    expect(withinOneEdit('李白', '张伟')).toBe(false);
  });
  it('close matches in the reach only, same pinyin and one edit first', () => {
    const all = () => true;
    expect(closeMatches('张为', index, all).map((m) => m.userid)).toEqual(['zhangwei01', 'zhangwei02']);
    expect(closeMatches('李白', index, all).map((m) => m.userid)).toEqual(['libai09']);
    expect(closeMatches('李白', index, (m) => m.branchId === 'b1')).toEqual([]);
  });
});
