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
