// Issue 12 (relief, fixed monthly subsidy): what the OD writes about 定额补助 — setting one, recording payments,
// asking for the month's list — read by a pure matcher; the corpus holds the sentences and the near-misses that
// must not be read (a salary, emergency aid, a question, a care report).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchSubsidyCommand, smallNumber } from '../../src/assistance/subsidy-phrases.ts';

const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'assistance', 'subsidy.jsonl');
const lines = readFileSync(CORPUS, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { text: string; expect: unknown });

describe('the subsidy corpus (test/fixtures/assistance/subsidy.jsonl)', () => {
  it('holds at least 15 sentences, a third of them near-misses', () => {
    expect(lines.length).toBeGreaterThanOrEqual(15);
    expect(lines.filter((l) => l.expect === null).length * 3).toBeGreaterThanOrEqual(lines.length);
  });

  it.each(lines.map((l) => [l.text, l.expect] as const))('%s', (text, expected) => {
    expect(matchSubsidyCommand(text)).toEqual(expected);
  });
});

describe('reading subsidy commands', () => {
  it('reads the issue’s sentence: name, amount in fen, start and end month', () => {
    expect(matchSubsidyCommand('为张伟设定长期生活补助，每月300元，2027年1月至12月')).toEqual({
      kind: 'set',
      name: '张伟',
      amountFen: 30_000,
      start: { year: 2027, month: 1 },
      end: { month: 12 },
      months: null,
    });
  });

  it('keeps the amount exact and never reads a date or a count as money', () => {
    expect(matchSubsidyCommand('为张伟设定生活补助，每月300.5元，2027年1月起')).toMatchObject({ amountFen: 30_050, start: { year: 2027, month: 1 } });
    expect(matchSubsidyCommand('为张伟设定生活补助，2027年1月起12个月')).toMatchObject({ amountFen: null, months: 12 });
    // Full-width input (NFKC): a full-width comma after the amount stays a clause break.
    expect(matchSubsidyCommand('为张伟设定生活补助，每月３００元，２０２７年１月至１２月')).toMatchObject({ amountFen: 30_000, start: { year: 2027, month: 1 }, end: { month: 12 } });
  });

  it('reads lengths in words and Chinese month numerals', () => {
    expect(matchSubsidyCommand('为张伟设定生活补助，每月300元，为期两年')).toMatchObject({ months: 24 });
    expect(matchSubsidyCommand('为张伟设定生活补助，每月300元，自十一月起六个月')).toMatchObject({ start: { month: 11 }, months: 6 });
    expect([smallNumber('十二'), smallNumber('二十四'), smallNumber('两'), smallNumber('十'), smallNumber('12'), smallNumber('三十五六')]).toEqual([12, 24, 2, 10, 12, undefined]);
  });

  it('payments: everyone this month, named members, named months, 补发', () => {
    expect(matchSubsidyCommand('本月补助已经全部发放')).toEqual({ kind: 'paid', names: [], months: 'current', late: false });
    expect(matchSubsidyCommand('张伟 本月补助 已发放')).toEqual({ kind: 'paid', names: ['张伟'], months: 'current', late: false });
    expect(matchSubsidyCommand('已补发张伟10月的补助')).toEqual({ kind: 'paid', names: ['张伟'], months: [{ month: 10 }], late: true });
    // A December then a January: the January is the next year's.
    expect(matchSubsidyCommand('张伟2026年12月和1月补助已发放')).toMatchObject({ months: [{ year: 2026, month: 12 }, { year: 2027, month: 1 }] });
  });

  it.each(['张伟每月工资300元', '本月补助发放了吗', '本月补助是否已发放', '张伟13月补助已发放', '为张伟设定生活补助吗', '补助', '已发放', '张伟住院了，需要补助'])('not a subsidy command: %s', (text) => {
    expect(matchSubsidyCommand(text)).toBeNull();
  });
});
