// Emergency aid (issue 12, section 3): the pure reading of aid messages — the corpus of sentences and the
// near-misses that must not be read as aid (test/fixtures/assistance/aid.jsonl), and the amount given in answer
// to "申请金额是多少？".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchAidCommand, parseAmountReply, type AidCommand } from '../../src/assistance/aid-phrases.ts';

const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'assistance', 'aid.jsonl');
const lines = readFileSync(CORPUS, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { text: string; expect: AidCommand | null });

describe('emergency aid phrases: the corpus', () => {
  it('has at least 15 sentences, a third of them near-misses', () => {
    expect(lines.length).toBeGreaterThanOrEqual(15);
    expect(lines.filter((l) => l.expect === null).length).toBeGreaterThanOrEqual(Math.ceil(lines.length / 3));
  });

  it.each(lines.map((l) => [l.text, l.expect] as const))('%s', (text, expected) => {
    expect(matchAidCommand(text) ?? null).toEqual(expected);
  });
});

describe('emergency aid phrases: what the reading rests on', () => {
  it('the amount asked wins over a loss mentioned in passing, and leaves the note', () => {
    expect(matchAidCommand('申请突发困难补助：家中遭火灾，损失3万元，申请5000元')).toMatchObject({ amountFen: 500_000, note: '家中遭火灾，损失3万元' });
  });

  it('money is integer fen: 2000.50元 is 200050, 1.5万元 is 1500000', () => {
    expect(matchAidCommand('申请突发困难补助：孩子学费，申请2000.50元')).toMatchObject({ amountFen: 200_050 });
    expect(matchAidCommand('申请突发困难补助：母亲手术，1.5万元')).toMatchObject({ amountFen: 1_500_000, cause: 'serious_illness' });
  });

  it('the cause is the earliest kind of word written: 重病 before 上学, 火灾 before 住院', () => {
    expect(matchAidCommand('申请突发困难补助：父亲重病，孩子上学也要钱，申请3000元')).toMatchObject({ cause: 'serious_illness' });
    expect(matchAidCommand('申请突发困难补助：家中火灾，母亲烧伤住院，申请3000元')).toMatchObject({ cause: 'disaster' });
    expect(matchAidCommand('申请突发困难补助：家中急事，申请3000元')).toMatchObject({ cause: 'other' });
  });

  it('帮我 / 为自己 is the writer’s own application; a name is someone else’s', () => {
    expect(matchAidCommand('帮我申请突发困难补助：学费，2000元')).toMatchObject({ for: null });
    expect(matchAidCommand('替zhangwei02申请突发困难补助：学费，2000元')).toMatchObject({ for: 'zhangwei02' });
  });

  it('the attestation is read in its usual wordings and never left in the note', () => {
    for (const t of ['本人已同意', '本人同意', '已征得本人同意', '经本人同意']) {
      expect(matchAidCommand(`为冯无号申请突发困难补助：房屋倒塌，申请3000元，${t}`), t).toMatchObject({ attested: true, note: '房屋倒塌' });
    }
  });

  it('the amount in answer to the question: with or without 元, digits only', () => {
    expect(parseAmountReply('2000')).toBe(200_000);
    expect(parseAmountReply('2000元')).toBe(200_000);
    expect(parseAmountReply('申请2000.5元')).toBe(200_050);
    expect(parseAmountReply('¥1,500')).toBe(150_000);
    expect(parseAmountReply('两千元')).toBeUndefined();
    expect(parseAmountReply('今天和张伟谈心了')).toBeUndefined();
    expect(parseAmountReply('我再想想，过两天给您回复3000元的事')).toBeUndefined();
  });
});
