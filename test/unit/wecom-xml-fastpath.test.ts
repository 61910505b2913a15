// The flat-XML fast path (performance) must return exactly what the full hardened pipeline returns, and
// accept nothing the full pipeline refuses: fuzzed with a fixed seed (bench/lib/xml-fastpath-check.ts).
import { describe, expect, it } from 'vitest';
import { checkFastPath } from '../../bench/lib/xml-fastpath-check.ts';

describe('XML fast path', () => {
  it('agrees with the full pipeline on 20,000 fuzzed documents, many of which take it', () => {
    const { accepted, total } = checkFastPath(20_000);
    expect(total).toBe(20_000);
    // The generator is tuned so a good share is flat; a fast path that accepts nothing would prove nothing.
    expect(accepted).toBeGreaterThan(2_000);
  });
});
