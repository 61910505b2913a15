// Issue 12 §1: how the hardship registry is written to in chat — the causes a text names, and the commands
// (申请困难帮扶, 推荐…为生活困难党员, 我的帮扶, 困难党员名单, 归档困难党员) with their near-misses, over the corpus
// test/fixtures/assistance/registry.jsonl (each line: the text, and what the pure matcher must give, or null).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAUSE_CHOICES, hardshipCausesOf, matchRegistryCommand, type RegistryCommand } from '../../src/assistance/registry-phrases.ts';
import { normalizeMessage } from '../../src/conversation/interpret/interpret.ts';
import { matchSecretaryCommand } from '../../src/conversation/secretary-commands.ts';
import { HARDSHIP_CAUSES } from '../../src/domain/assistance.ts';

const CORPUS: Array<{ text: string; expect: RegistryCommand | null }> = readFileSync(new URL('../fixtures/assistance/registry.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l));

describe('the registry corpus (issue 12 §1)', () => {
  it('has at least 20 lines, a third of them near-misses', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(20);
    expect(CORPUS.filter((c) => c.expect === null).length).toBeGreaterThanOrEqual(Math.ceil(CORPUS.length / 3));
  });

  it.each(CORPUS)('$text', ({ text, expect: expected }) => {
    expect(matchRegistryCommand(normalizeMessage(text))).toEqual(expected);
  });

  it('a registry command is never a secretary report (困难党员已核实上报 stays the verification\'s)', () => {
    for (const { text, expect: expected } of CORPUS) if (expected) expect(matchSecretaryCommand(normalizeMessage(text)), text).toBeUndefined();
  });
});

describe('hardship causes from the text', () => {
  it.each([
    ['母亲重病，家庭开支大', ['illness']],
    ['年老体弱', ['old_age', 'frailty']],
    ['老弱病残', ['old_age', 'frailty', 'illness', 'disability']],
    ['因老', ['old_age']],
    ['体弱多病', ['frailty', 'illness']],
    ['高龄独居', ['old_age']],
    ['本人患病住院', ['illness']],
    ['肢体残疾', ['disability']],
    ['家庭遭遇重大变故', ['misfortune']],
    ['父亲去世，家庭变故', ['misfortune']],
    ['丈夫车祸离世', ['misfortune']],
    ['家中遭受火灾', ['disaster']],
    ['老家地震，房屋倒塌', ['disaster']],
    ['因洪水受灾', ['disaster']],
    ['其他原因', ['other']],
    ['其他：患病', ['illness']],
    // Nothing recognisable: the bot asks with buttons.
    ['家庭开支大', []],
    ['收入低，孩子多', []],
    // A bare 老 or 弱 inside another word is no cause: 老伴 (spouse), 老家 (home town), 弱势.
    ['老伴没有工作', []],
    ['老家在外地', []],
    // A death from illness is a 变故, not an illness.
    ['父亲病故', ['misfortune']],
  ] as Array<[string, string[]]>)('%s → %j', (text, causes) => {
    expect(hardshipCausesOf(text)).toEqual(causes);
  });

  it('the cause buttons fit one card (six) and cover every cause once', () => {
    expect(CAUSE_CHOICES.length).toBeLessThanOrEqual(6);
    expect(CAUSE_CHOICES.flatMap((c) => c.causes).sort()).toEqual([...HARDSHIP_CAUSES].sort());
  });
});

describe('the consent a secretary attests', () => {
  it.each([
    ['推荐冯无号为生活困难党员，因病，本人已同意', true],
    ['推荐冯无号为生活困难党员，因病，已征得本人同意', true],
    ['推荐冯无号为生活困难党员，因病，经本人同意', true],
    ['推荐冯无号为生活困难党员，因病', false],
    ['推荐冯无号为生活困难党员，因病，本人不同意', false],
    ['推荐冯无号为生活困难党员，因病，未经本人同意', false],
    ['推荐冯无号为生活困难党员，因病，尚未征得本人同意', false],
  ] as Array<[string, boolean]>)('%s → %s', (text, attested) => {
    const cmd = matchRegistryCommand(normalizeMessage(text));
    expect(cmd).toMatchObject({ kind: 'recommend', name: '冯无号', attested });
  });

  it('a name that contains 为 is read whole (推荐王为民为困难党员)', () => {
    expect(matchRegistryCommand(normalizeMessage('推荐王为民为困难党员，因残'))).toMatchObject({ kind: 'recommend', name: '王为民', causes: ['disability'] });
  });
});
