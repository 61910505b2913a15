import { describe, expect, it } from 'vitest';
import { matchSecretaryCommand } from '../../src/conversation/secretary-commands.ts';

describe('secretary reports in one message', () => {
  it.each([
    ['已开展11月集体政治生日活动', { kind: 'birthday_activity', month: 11 }],
    ['已开展 11 月集体政治生日活动。', { kind: 'birthday_activity', month: 11 }],
    ['我们已经开展了集体政治生日活动', { kind: 'birthday_activity', month: undefined }],
    ['已过集体政治生日', { kind: 'birthday_activity', month: undefined }],
    ['本支部已组织3月份的集体政治生日活动！', { kind: 'birthday_activity', month: 3 }],
    ['困难党员已核实上报', { kind: 'hardship_reviewed' }],
    ['困难党员名单已核实并上报', { kind: 'hardship_reviewed' }],
    ['生活困难党员已上报了', { kind: 'hardship_reviewed' }],
  ])('%s', (text, expected) => expect(matchSecretaryCommand(text)).toEqual(expected));

  it.each(['帮助', '还没开展政治生日活动', '政治生日活动什么时候开展？', '困难党员有哪些', '今天和张三谈心了'])('not a report: %s', (text) =>
    expect(matchSecretaryCommand(text)).toBeUndefined(),
  );
});
