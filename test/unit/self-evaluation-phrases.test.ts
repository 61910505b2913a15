// The quarterly self-evaluation sentences (src/incentive/self-evaluation-phrases.ts) and their corpus, near-misses
// included.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchSelfEvaluationCommand } from '../../src/incentive/self-evaluation-phrases.ts';

const corpus = readFileSync(new URL('../fixtures/incentive/self-evaluation.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; expect: unknown });

describe('quarterly self-evaluation phrases', () => {
  it('the corpus has at least 15 lines, a third near-misses', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(15);
    expect(corpus.filter((c) => c.expect === null).length * 3).toBeGreaterThanOrEqual(corpus.length);
  });
  it.each(corpus.map((c) => [c.text, c.expect] as const))('%j', (text, expected) => {
    expect(matchSelfEvaluationCommand(text)).toEqual(expected);
  });
});
