// The half-year and year-end evaluation sentences (src/incentive/grade-phrases.ts) and their corpus, near-misses
// included ("年底总评什么时候开", "王芳优秀吗" record nothing).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchGradeCommand } from '../../src/incentive/grade-phrases.ts';
import { readIncentive } from '../../src/incentive/phrases.ts';

const corpus = readFileSync(new URL('../fixtures/incentive/grades.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; expect: unknown });

describe('half-year and year-end evaluation phrases', () => {
  it('the corpus has at least 15 lines, a third near-misses', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(15);
    expect(corpus.filter((c) => c.expect === null).length * 3).toBeGreaterThanOrEqual(corpus.length);
  });
  it.each(corpus.map((c) => [c.text, c.expect] as const))('%j', (text, expected) => {
    expect(matchGradeCommand(text)).toEqual(expected);
  });
  it('the one-message form names every grade, and the rest is the grade of "全体"', () => {
    expect(matchGradeCommand('半年考评：全体合格，其中王芳优秀，李四基本合格')).toEqual({
      kind: 'record',
      evaluation: 'half_year',
      branch: null,
      year: null,
      rest: 'competent',
      named: [
        { name: '王芳', grade: 'excellent' },
        { name: '李四', grade: 'basically_competent' },
      ],
      unread: [],
    });
  });
  it('readIncentive reads them as the grades area, after goals', () => {
    expect(readIncentive('张伟年底总评不合格')).toMatchObject({ area: 'grades', command: { kind: 'record', evaluation: 'year_end' } });
    expect(readIncentive('本支部目标：发展党员2名')).toMatchObject({ area: 'goals' });
    expect(readIncentive('王芳优秀吗')).toBeUndefined();
  });
});
