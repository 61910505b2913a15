// The excellent-member and commendation sentences (src/incentive/honour-phrases.ts) and their corpus, read as the
// chat reads them (normalised first), near-misses included; and the pure rules of the cap, the window and the
// certificate numbers (src/domain/incentive.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeMessage } from '../../src/conversation/interpret/normalise.ts';
import { certificateNumber, defaultHonourYear, excellentMemberCap, excellentSelectionYear } from '../../src/domain/incentive.ts';
import { matchHonourCommand } from '../../src/incentive/honour-phrases.ts';
import { readIncentive } from '../../src/incentive/phrases.ts';

const corpus = readFileSync(new URL('../fixtures/incentive/honours.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; expect: unknown });

describe('excellent-member and commendation phrases', () => {
  it('the corpus has at least 15 lines, with near-misses', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(15);
    expect(corpus.filter((c) => c.expect === null).length).toBeGreaterThanOrEqual(6);
  });
  it.each(corpus.map((c) => [c.text, c.expect] as const))('%j', (text, expected) => {
    expect(matchHonourCommand(normalizeMessage(text))).toEqual(expected);
  });
  it('readIncentive reads them as the honours area (goals first)', () => {
    expect(readIncentive('我的表彰')).toEqual({ area: 'honours', command: { kind: 'my_commendations' } });
    expect(readIncentive('我的亮岗承诺')?.area).toBe('goals');
  });
});

describe('the cap, the window and the certificate numbers', () => {
  it.each([
    [0, 0],
    [6, 0],
    [7, 1],
    [20, 3],
    [42, 6],
  ])('⌊15%% × %i⌋ = %i', (active, cap) => {
    expect(excellentMemberCap(active, 15)).toBe(cap);
  });
  it('December names this year, January last year, other months are closed', () => {
    expect(excellentSelectionYear('2026-12-01')).toBe(2026);
    expect(excellentSelectionYear('2027-01-31')).toBe(2026);
    expect(excellentSelectionYear('2027-02-01')).toBeUndefined();
    expect(excellentSelectionYear('2026-11-30')).toBeUndefined();
    expect(defaultHonourYear('2026-12-15')).toBe(2026);
    expect(defaultHonourYear('2027-07-01')).toBe(2026);
  });
  it('numbers in the issuer name', () => {
    expect(certificateNumber('计算机学院党总支', 2026, 1)).toBe('计算机学院党总支〔2026〕第1号');
  });
});
