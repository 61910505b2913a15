// The 光荣在党50年 certificate sentences (src/incentive/certificate-phrases.ts) and their corpus, near-misses included;
// and the reply to the card's 登记颁发 (a date or 今天, with an optional number).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchCertificateCommand, matchIssueReply } from '../../src/incentive/certificate-phrases.ts';
import { readIncentive } from '../../src/incentive/phrases.ts';

const corpus = readFileSync(new URL('../fixtures/incentive/certificates.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; expect: unknown });

describe('光荣在党50年 certificate phrases', () => {
  it('the corpus has at least 15 lines, near-misses among them', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(15);
    expect(corpus.filter((c) => c.expect === null).length).toBeGreaterThanOrEqual(6);
  });
  it.each(corpus.map((c) => [c.text, c.expect] as const))('%j', (text, expected) => {
    expect(matchCertificateCommand(text)).toEqual(expected);
  });
  it('readIncentive reads them as the certificates area, after goals', () => {
    expect(readIncentive('纪念证书未颁发名单')).toEqual({ area: 'certificates', command: { kind: 'due_list' } });
    expect(readIncentive('纪念证书怎么领')).toBeUndefined();
  });
  it('the reply to 登记颁发: a date, 今天, a number alone (today), or nothing of the kind', () => {
    expect(matchIssueReply('2027-07-01，编号2027-015')).toEqual({ dateWritten: '2027-07-01', date: '2027-07-01', certificateNo: '2027-015' });
    expect(matchIssueReply('今天')).toEqual({ dateWritten: null, date: null, certificateNo: null });
    expect(matchIssueReply('编号 2027-003')).toEqual({ dateWritten: null, date: null, certificateNo: '2027-003' });
    expect(matchIssueReply('2027年2月30日')).toEqual({ dateWritten: '2027年2月30日', date: null, certificateNo: null });
    for (const other of ['好的', '今天和张伟谈心了', '2027-07-01 2027-07-02', '']) expect(matchIssueReply(other), other).toBeNull();
  });
});
