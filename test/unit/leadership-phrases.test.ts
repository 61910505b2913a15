// The leadership review sentences (src/incentive/leadership-phrases.ts) and their corpus, near-misses included:
// free text is never a rating (the card's buttons are), questions are not commands.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchLeadershipCommand } from '../../src/incentive/leadership-phrases.ts';
import { readIncentive } from '../../src/incentive/phrases.ts';

const corpus = readFileSync(new URL('../fixtures/incentive/leadership.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; expect: unknown });

describe('leadership review phrases', () => {
  it('the corpus has at least 15 lines, a third near-misses', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(15);
    expect(corpus.filter((c) => c.expect === null).length * 3).toBeGreaterThanOrEqual(corpus.length - 2);
  });
  it.each(corpus.map((c) => [c.text, c.expect] as const))('%j', (text, expected) => {
    expect(matchLeadershipCommand(text)).toEqual(expected);
  });
  it('readIncentive reads them as the leadership area, after goals', () => {
    expect(readIncentive('开启领导班子评议')).toEqual({ area: 'leadership', command: { kind: 'open', year: null, days: null } });
    expect(readIncentive('本支部目标：评议意见：x')?.area).toBe('goals');
  });
});
