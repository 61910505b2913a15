// Issue 12, pairing (结对帮扶): the sentences (test/fixtures/assistance/pairing.jsonl, near-misses included — a
// visit with the member stays a care record), the nudge's period (once per 90 days without contact), leading
// cadres by 干部级别, the monthly list's split, and what an organisation may be called. Pure.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchPairingCommand, organisationForms, type PairingCommand } from '../../src/assistance/pairing-phrases.ts';
import { interpret } from '../../src/conversation/interpret/interpret.ts';
import { buildRosterIndex } from '../../src/conversation/interpret/roster-index.ts';
import { addDays } from '../../src/domain/dates.ts';
import { cadresWithoutPairing, isLeadingCadre, pairingNudge } from '../../src/domain/pairing.ts';
import { mayRecordCare, type AccessPerson, type MemberPlace } from '../../src/domain/access.ts';

interface CorpusLine {
  text: string;
  expect: PairingCommand | null;
}
const CORPUS: CorpusLine[] = readFileSync(new URL('../fixtures/assistance/pairing.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as CorpusLine);

describe('pairing sentences (the corpus)', () => {
  it('has at least 15 lines, a third of them near-misses, each text once', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(15);
    expect(CORPUS.filter((c) => c.expect === null).length).toBeGreaterThanOrEqual(CORPUS.length / 3);
    expect(new Set(CORPUS.map((c) => c.text)).size).toBe(CORPUS.length);
  });

  it.each(CORPUS.map((c) => [c.text, c] as const))('%s', (_text, c) => {
    expect(matchPairingCommand(c.text) ?? null).toEqual(c.expect);
  });

  it('a helper\'s visit with the member is no pairing command but a care record (the care conversation takes it)', () => {
    const text = '今天去看望了王芳，了解治疗情况';
    expect(matchPairingCommand(text)).toBeUndefined();
    const index = buildRosterIndex([
      { memberId: '1', userid: 'liming', name: '李明', branchId: 'b1', generalBranchId: 'g1', status: 'active' },
      { memberId: '2', userid: 'wangfang', name: '王芳', branchId: 'b2', generalBranchId: 'g1', status: 'active' },
    ]);
    const writer = { memberId: '1', userid: 'liming', branchId: 'b1', generalBranchId: 'g1', roleCodes: ['gb_secretary', 'member'] as const };
    expect(interpret(text, { writer: { ...writer, roleCodes: [...writer.roleCodes] }, now: new Date('2026-11-25T02:00:00Z'), timeZone: 'Asia/Shanghai', index })).toMatchObject({
      intent: 'log_visit',
      members: ['wangfang'],
      note: '了解治疗情况',
    });
  });
});

describe('the nudge after days without contact (pairing_nudge_days)', () => {
  const days = 90;
  const nudge = (startedOn: string, lastContactOn: string | null, today: string) => pairingNudge({ startedOn, lastContactOn, today, days });

  it('is due once 90 days have passed since the later of the start and the last contact', () => {
    expect(nudge('2026-01-05', null, '2026-04-04')).toBeUndefined(); // 89 days
    expect(nudge('2026-01-05', null, '2026-04-05')).toEqual({ since: '2026-01-05', daysWithout: 90, period: '2026-04-05' });
    expect(nudge('2026-01-05', '2026-03-01', '2026-04-05')).toBeUndefined();
    expect(nudge('2026-01-05', '2026-03-01', '2026-05-30')).toEqual({ since: '2026-03-01', daysWithout: 90, period: '2026-05-30' });
    // A contact before the start (a talk logged the week before the pairing) does not count.
    expect(nudge('2026-01-05', '2025-12-20', '2026-04-05')).toMatchObject({ since: '2026-01-05' });
  });

  it('keeps one period through a 90-day stretch (a weekend nudge goes on Monday, once), the next one 90 days later', () => {
    const periods = new Set<string>();
    for (let i = 90; i < 180; i += 1) periods.add(nudge('2026-01-05', null, addDays('2026-01-05', i))!.period);
    expect([...periods]).toEqual(['2026-04-05']);
    expect(nudge('2026-01-05', null, addDays('2026-01-05', 180))!.period).toBe('2026-07-04');
    expect(nudge('2026-01-05', null, addDays('2026-01-05', 271))).toMatchObject({ period: '2026-10-02', daysWithout: 271 });
  });

  it('a contact starts the count again', () => {
    expect(nudge('2026-01-05', '2026-04-20', '2026-07-18')).toBeUndefined();
    expect(nudge('2026-01-05', '2026-04-20', '2026-07-19')!.period).toBe('2026-07-19');
  });

  it('refuses an interval that is no whole positive number of days', () => {
    expect(() => pairingNudge({ startedOn: '2026-01-01', lastContactOn: null, today: '2026-05-01', days: 0 })).toThrow(/whole number/);
  });
});

describe('leading cadres (副科级及以上, from 干部级别)', () => {
  it.each(['副科级', '副科', '正科级', '科级', '副处级', '正处级', '处级', '副县处级', '副厅级', '正厅级', '副局级', '副部级', '正处职', '副科职', '副处级干部', '正科级领导干部', ' 正 处 级 '])('%s leads', (level) => {
    expect(isLeadingCadre(level)).toBe(true);
  });

  it.each(['科员', '科员级', '办事员', '', null, undefined, '高级工程师', '教授', '无'])('%s does not', (level) => {
    expect(isLeadingCadre(level)).toBe(false);
  });

  it('the monthly list: cadres helping nobody, the exempt ones apart, the helping and the non-leading on neither', () => {
    const c = (memberId: string, cadreLevel: string | null, helps: boolean, exemption: string | null = null) => ({ memberId, cadreLevel, helps, exemption });
    const { unpaired, exempt } = cadresWithoutPairing([c('1', '正处级', false), c('2', '副科级', true), c('3', '正科级', false, '长期外派'), c('4', '科员', false), c('5', '副厅级', true, '病休')]);
    expect(unpaired.map((x) => x.memberId)).toEqual(['1']);
    expect(exempt.map((x) => x.memberId)).toEqual(['3']);
  });
});

describe('a helping organisation, named as the roster names it', () => {
  it('a branch: full name, without 党, as …支部, after its general branch\'s forms', () => {
    const forms = organisationForms({ kind: 'branch', name: '教工党支部', gb_name: '数学学院党总支' });
    for (const f of ['教工党支部', '教工', '教工支部', '数学学院教工支部', '数学学院党总支教工党支部', '数学学院教工党支部']) expect(forms.has(f), f).toBe(true);
    expect(forms.has('数学')).toBe(false);
  });

  it('a general branch: its own forms (计算机科学与技术学院党总支 → 计算机学院)', () => {
    const forms = organisationForms({ kind: 'general_branch', name: '计算机科学与技术学院党总支', gb_name: null });
    expect(forms.has('计算机学院')).toBe(true);
    expect(forms.has('计算机科学与技术学院党总支')).toBe(true);
  });
});

describe('the access rule: a paired helper records talks and visits with the member they help', () => {
  const helper: AccessPerson = { memberId: '1', branchId: 'b1', generalBranchId: 'g1', committeeId: 'c', roles: [], linkedGeneralBranchIds: [] };
  const member: MemberPlace = { memberId: '2', branchId: 'b9', generalBranchId: 'g9', committeeId: 'c' };
  it('only with the pairing fact, never about themself', () => {
    expect(mayRecordCare(helper, member)).toBe(false);
    expect(mayRecordCare(helper, member, true)).toBe(true);
    expect(mayRecordCare(helper, { memberId: '1', branchId: 'b1', generalBranchId: 'g1', committeeId: 'c' }, true)).toBe(false);
  });
});
