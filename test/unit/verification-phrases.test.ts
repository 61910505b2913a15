// Issue 12, section 2: how a GB secretary writes the May/November verification in one message — the corpus
// (test/fixtures/assistance/verification.jsonl, near-misses that must not be read as a verification included)
// run through the pure matcher, and the causes in short or long words.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { causesIn, matchVerification } from '../../src/assistance/verification-phrases.ts';
import { matchSecretaryCommand } from '../../src/conversation/secretary-commands.ts';

const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'assistance', 'verification.jsonl');
const lines = readFileSync(CORPUS, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { text: string; expect: unknown });

describe('the verification corpus', () => {
  it('has at least 15 sentences, a third of them near-misses', () => {
    expect(lines.length).toBeGreaterThanOrEqual(15);
    expect(lines.filter((l) => l.expect === null).length).toBeGreaterThanOrEqual(Math.ceil(lines.length / 3));
  });

  it.each(lines.map((l) => [l.text, l.expect] as const))('%s', (text, expected) => {
    expect(matchVerification(text) ?? null).toEqual(expected);
  });

  it('the old report phrase now submits the verification, and is no secretary command any more', () => {
    for (const text of ['困难党员已核实上报', '困难党员名单已核实并上报', '生活困难党员已上报了']) {
      expect(matchVerification(text)).toEqual({ kind: 'submit' });
      expect(matchSecretaryCommand(text)).toBeUndefined();
    }
  });
});

describe('causes in short or long words', () => {
  it.each([
    ['病', ['illness']],
    ['病、残', ['illness', 'disability']],
    ['残 病', ['illness', 'disability']],
    ['老弱病残', ['old_age', 'frailty', 'illness', 'disability']],
    ['年老体弱', ['old_age', 'frailty']],
    ['患病，重大变故', ['illness', 'misfortune']],
    ['自然灾害', ['disaster']],
    ['其他', ['other']],
    ['原因改为患病', ['illness']],
    ['（残疾）', ['disability']],
    ['', []],
  ])('%s', (text, expected) => expect(causesIn(text)).toEqual(expected));

  it.each(['失业', '病情稳定', '家庭困难', '老王'])('not causes: %s', (text) => expect(causesIn(text)).toBeUndefined());
});
