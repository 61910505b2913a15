import { describe, expect, it } from 'vitest';
import { matchSecretaryCommand } from '../../src/conversation/secretary-commands.ts';
import { formsIn } from '../../src/conversation/secretary-phrases.ts';

describe('secretary reports in one message', () => {
  it.each([
    ['已开展11月集体政治生日活动', { kind: 'birthday_activity', month: 11, forms: ['collective'] }],
    ['已开展 11 月集体政治生日活动。', { kind: 'birthday_activity', month: 11, forms: ['collective'] }],
    ['我们已经开展了集体政治生日活动', { kind: 'birthday_activity', month: undefined, forms: ['collective'] }],
    ['已过集体政治生日', { kind: 'birthday_activity', month: undefined, forms: ['collective'] }],
    ['本支部已组织3月份的集体政治生日活动！', { kind: 'birthday_activity', month: 3, forms: ['collective'] }],
  ])('%s', (text, expected) => expect(matchSecretaryCommand(text)).toEqual(expected));

  it.each(['帮助', '还没开展政治生日活动', '政治生日活动什么时候开展？', '困难党员有哪些', '今天和张三谈心了', '已开展11月集体政治生日活动，效果很好', '已寄贺信'])(
    'not a report: %s',
    (text) => expect(matchSecretaryCommand(text)).toBeUndefined(),
  );
});

describe('political-birthday activity forms (issue 11 point 11)', () => {
  it.each([
    ['已开展11月集体政治生日活动（重温入党誓词）', { kind: 'birthday_activity', month: 11, forms: ['collective', 'oath'] }],
    ['已开展11月集体政治生日活动(重温入党誓词、寄送入党纪念贺信)', { kind: 'birthday_activity', month: 11, forms: ['collective', 'oath', 'letter'] }],
    ['已开展11月政治生日活动：重温入党誓词', { kind: 'birthday_activity', month: 11, forms: ['oath'] }],
    ['已开展政治生日活动（发送手机短信）', { kind: 'birthday_activity', month: undefined, forms: ['sms'] }],
    ['研究生第一党支部已开展11月集体政治生日活动（重温誓词）', { kind: 'birthday_activity', month: 11, forms: ['collective', 'oath'], branch: '研究生第一党支部' }],
  ])('%s', (text, expected) => expect(matchSecretaryCommand(text)).toEqual(expected));

  it.each([
    ['已寄贺信：冯无号', { kind: 'birthday_greeting_sent', month: undefined, form: 'letter', names: ['冯无号'] }],
    ['已寄送入党纪念贺信：冯无号、郑老党员', { kind: 'birthday_greeting_sent', month: undefined, form: 'letter', names: ['冯无号', '郑老党员'] }],
    ['已发短信：冯无号', { kind: 'birthday_greeting_sent', month: undefined, form: 'sms', names: ['冯无号'] }],
    ['已寄11月贺信：冯无号同志', { kind: 'birthday_greeting_sent', month: 11, form: 'letter', names: ['冯无号'] }],
    ['已发送政治生日短信给冯无号', { kind: 'birthday_greeting_sent', month: undefined, form: 'sms', names: ['冯无号'] }],
  ])('%s', (text, expected) => expect(matchSecretaryCommand(text)).toEqual(expected));

  it('reads the forms by their canonical codes, and nothing that is no list of forms', () => {
    expect(formsIn('重温入党誓词')).toEqual(['oath']);
    expect(formsIn('集体过政治生日、重温入党誓词和寄送贺信')).toEqual(['collective', 'oath', 'letter']);
    expect(formsIn('手机短信')).toEqual(['sms']);
    expect(formsIn('效果很好')).toBeUndefined();
  });
});
