// The goals and commitments sentences (src/incentive/goal-phrases.ts) and their corpus, near-misses included.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchGoalCommand } from '../../src/incentive/goal-phrases.ts';

const corpus = readFileSync(new URL('../fixtures/incentive/goals.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; expect: unknown });

describe('goals and commitments phrases', () => {
  it('the corpus has at least 12 lines, a third near-misses', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(12);
    expect(corpus.filter((c) => c.expect === null).length * 3).toBeGreaterThanOrEqual(corpus.length - 2);
  });
  it.each(corpus.map((c) => [c.text, c.expect] as const))('%j', (text, expected) => {
    expect(matchGoalCommand(text)).toEqual(expected);
  });
});

describe('the January goals nudge', () => {
  it('a stand-in for a vacant secretary is told to name the organisation (本支部 would be their own)', async () => {
    const { NOTICE_TEMPLATES: T } = await import('../../src/notices/templates.ts');
    const own = T.goalsNudge({ organisation: '教工第二党支部', level: 'branch', year: 2027, reminder: false, late: false });
    const standIn = T.goalsNudge({ organisation: '教工第二党支部', level: 'branch', year: 2027, reminder: false, late: false, standIn: true });
    expect(own.type === 'markdown' && own.content).toContain('发送“本支部2027年目标：……”');
    expect(standIn.type === 'markdown' && standIn.content).toContain('发送“教工第二党支部2027年目标：……”');
    expect(matchGoalCommand('教工第二党支部2027年目标：……')).toMatchObject({ kind: 'set_goals', organisation: '教工第二党支部' });
  });
});
