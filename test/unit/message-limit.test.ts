// Issue 8, point 10: no message the bot builds is longer than WeCom keeps (2,048 bytes of UTF-8), and names in
// markdown cannot become links or markup.
import { describe, expect, it } from 'vitest';
import { cutToBytes, fitList, linesAsMessages, splitLines, summariseNames, withinLimit } from '../../src/notices/message-limit.ts';
import { escapeMarkdown, escapeTextTags } from '../../src/notices/markdown.ts';
import { guardReplies } from '../../src/conversation/reply-guard.ts';
import { NOTICE_TEMPLATES } from '../../src/notices/templates.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const NAMES = Array.from({ length: 80 }, (_, i) => `欧阳${'明芳伟静'[i % 4]}${i}`);

describe('message size', () => {
  it('cuts between characters, never inside one', () => {
    expect(cutToBytes('党员关怀', 7)).toBe('党员');
    expect(cutToBytes('ab党', 4)).toBe('ab');
    expect(cutToBytes('短', 100)).toBe('短');
  });

  it('summarises 80 names as 张……等80人 within the bytes given', () => {
    const s = summariseNames(NAMES, 300);
    expect(bytes(s)).toBeLessThanOrEqual(300);
    expect(s.startsWith('欧阳明0、欧阳芳1')).toBe(true);
    expect(s.endsWith('等80人')).toBe(true);
    expect(summariseNames(NAMES.slice(0, 3), 300)).toBe('欧阳明0、欧阳芳1、欧阳伟2');
  });

  it('splits 80 lines into messages of at most 2,048 bytes, losing none', () => {
    const lines = NAMES.map((n) => `${n}：请支部书记在12月3日前走访`);
    const parts = splitLines(lines, { header: '已收到报告（遭受灾害），组织会及时关怀：', footer: '谢谢。' });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(2048);
    expect(parts[0]!.startsWith('已收到报告')).toBe(true);
    expect(parts.slice(1).every((p) => p.startsWith('（续）\n'))).toBe(true);
    expect(parts.at(-1)!.endsWith('谢谢。')).toBe(true);
    const all = parts.join('\n');
    for (const l of lines) expect(all).toContain(l);
    expect(linesAsMessages('markdown', lines).every((m) => m.type === 'markdown' && bytes(m.content) <= 2048)).toBe(true);
  });

  it('a line longer than any message is cut, not dropped; a tiny limit is still kept', () => {
    const parts = splitLines(['党'.repeat(1_000)], { maxBytes: 2048 });
    expect(parts).toHaveLength(1);
    expect(bytes(parts[0]!)).toBeLessThanOrEqual(2048);
    for (const p of splitLines(NAMES, { header: '标题'.repeat(20), maxBytes: 60 })) expect(bytes(p)).toBeLessThanOrEqual(60);
  });

  it('withinLimit splits an over-long text or markdown and leaves the rest alone', () => {
    const long = { type: 'text' as const, content: NAMES.map((n) => `${n}：${'情况说明'.repeat(5)}`).join('\n') };
    expect(bytes(long.content)).toBeGreaterThan(2048);
    const parts = withinLimit(long);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((m) => m.type === 'text' && bytes(m.content) <= 2048)).toBe(true);
    const short = { type: 'markdown' as const, content: '**待办**' };
    expect(withinLimit(short)).toEqual([short]);
  });

  it('fitList shows what fits and says how many more, within the limit', () => {
    const s = fitList('**名单**', NAMES.map((n) => `- ${n}（${'计算机学院'.repeat(6)}）`), '请安排。', (n) => `……另有 ${n} 项`);
    expect(bytes(s)).toBeLessThanOrEqual(2048);
    expect(s).toMatch(/……另有 \d+ 项\n请安排。$/);
  });
});

describe('markdown escaping', () => {
  it('a name written as a link, heading, bold or colour tag renders as plain text', () => {
    expect(escapeMarkdown('[点此领取慰问金](http://evil.example/x)')).toBe('［点此领取慰问金］（http：//evil.example/x）');
    expect(escapeMarkdown('# 标题\n> 引用 **粗体** `代码` <font color="warning">红</font> ![图](x)')).toBe(
      '＃ 标题 ＞ 引用 ＊＊粗体＊＊ ｀代码｀ ＜font color="warning"＞红＜/font＞ ！［图］（x）',
    );
    expect(escapeMarkdown('张伟')).toBe('张伟');
  });

  it('every calendar template escapes the names and places it lists', () => {
    const evil = '[点此领取慰问金](http://evil.example/x)';
    const messages = [
      NOTICE_TEMPLATES.birthdayGreeting({ name: evil, years: 10, joinDate: '2016-11-26', branch: evil, retired: false, late: false }),
      NOTICE_TEMPLATES.birthdayMonthList({ branch: evil, year: 2026, month: 11, members: [{ name: evil, detail: evil }], late: false }),
      NOTICE_TEMPLATES.holidayVisitList({ branch: evil, holiday: '春节', date: '2027-02-06', members: [{ name: evil }], reminder: false, late: false }),
      NOTICE_TEMPLATES.hardshipReviewNudge({ generalBranch: evil, year: 2026, month: 11, entries: [{ name: evil, detail: evil }], late: false }),
    ];
    for (const m of messages) {
      expect(m.type).toBe('markdown');
      const content = (m as { content: string }).content;
      expect(content).not.toContain('](');
      expect(content).not.toContain('http://');
      expect(content).toContain('［点此领取慰问金］');
    }
  });
});

describe('the reply guard', () => {
  it('shows angle brackets in text as characters, and splits long replies keeping recipient and distinct once-keys', () => {
    expect(escapeTextTags('<a href="http://evil.example/x">点此</a> 血压>140')).toBe('＜a href="http://evil.example/x"＞点此＜/a＞ 血压＞140');
    const long = NAMES.map((n) => `${n}：${'情况说明'.repeat(5)}`).join('\n');
    const out = guardReplies([
      { message: { type: 'text', content: long }, recipient: 'zhouzhishu', onceKey: 'report-1-2' },
      { message: { type: 'markdown', content: '**<b>**' } },
    ]);
    const texts = out.filter((r) => r.recipient === 'zhouzhishu');
    expect(texts.length).toBeGreaterThan(1);
    expect(new Set(texts.map((r) => r.onceKey)).size).toBe(texts.length);
    expect(texts.every((r) => r.message.type === 'text' && Buffer.byteLength(r.message.content) <= 2048)).toBe(true);
    // Markdown content is built with escapeMarkdown where it is assembled, not here.
    expect(out.at(-1)!.message).toEqual({ type: 'markdown', content: '**<b>**' });
  });
});
