// Issue 16 section 4: asking for the dashboard's figures in chat — the sentences (pure) and the answers' words
// from figures (pure).
import { describe, expect, it } from 'vitest';
import { looksLikeOrganisation, matchFigureQuery } from '../../src/conversation/figure-phrases.ts';
import { figureHelpFor, helpFor } from '../../src/conversation/templates.ts';
import { DASHBOARD_POINTER, overdueAnswer, talkProgressAnswer, visitsAnswer, type FigureTarget } from '../../src/dashboard/figure-text.ts';
import { zeroFigures, type Figures } from '../../src/dashboard/figures.ts';
import { MESSAGE_MAX_BYTES } from '../../src/notices/message-limit.ts';
import type { OutboundMessage } from '../../src/platforms/types.ts';

describe('the sentences', () => {
  it.each([
    ['本总支谈心进度', 'talks', { level: 'general_branch' }],
    ['本党总支谈心进度？', 'talks', { level: 'general_branch' }],
    ['本支部谈心进度', 'talks', { level: 'branch' }],
    ['查看本支部年度谈心情况', 'talks', { level: 'branch' }],
    ['全校谈心进度', 'talks', { level: 'committee' }],
    ['全委谈心进度。', 'talks', { level: 'committee' }],
    ['本支部逾期事项', 'overdue', { level: 'branch' }],
    ['本总支 逾期事项', 'overdue', { level: 'general_branch' }],
    ['全校逾期事项', 'overdue', { level: 'committee' }],
    ['逾期事项', 'overdue', { level: 'widest' }],
    ['查询逾期事项？', 'overdue', { level: 'widest' }],
    ['计算机学院走访情况', 'visits', { name: '计算机学院' }],
    ['计算机学院党总支走访情况', 'visits', { name: '计算机学院党总支' }],
    ['计算机学院的走访慰问情况', 'visits', { name: '计算机学院' }],
    ['本支部走访情况', 'visits', { level: 'branch' }],
    ['教工第一党支部逾期事项', 'overdue', { name: '教工第一党支部' }],
    ['文学院谈心进度', 'talks', { name: '文学院' }],
    ['ＡＩ学院走访情况', 'visits', { name: 'AI学院' }],
  ])('%s', (text, topic, scope) => {
    expect(matchFigureQuery(text)).toEqual({ kind: 'figures', topic, scope });
  });

  it.each([
    // The writer's own quota list and todo stay the care conversation's.
    '谈心进度',
    '我的谈心进度',
    '走访完成情况',
    '走访情况',
    // Sentences about a person or a time, not an organisation.
    '今天和张三谈心情况良好',
    '和张三谈心情况',
    '今天走访情况',
    '我的待办',
    '计算机学院',
    '计算机学院，教工支部走访情况',
    '',
  ])('%s is not a question about figures', (text) => {
    expect(matchFigureQuery(text)).toBeUndefined();
  });

  it('统计帮助', () => {
    expect(matchFigureQuery('统计帮助')).toEqual({ kind: 'help' });
    expect(matchFigureQuery('工作台帮助？')).toEqual({ kind: 'help' });
  });

  it('which names read as an organisation\'s', () => {
    expect(['计算机学院', '计算机学院党总支', '教工第一党支部', '机关', '校团委', '图书馆'].map(looksLikeOrganisation)).toEqual([true, true, true, true, true, true]);
    expect(['张三', '王芳'].map(looksLikeOrganisation)).toEqual([false, false]);
  });
});

describe('the help', () => {
  it('统计帮助 lists what each role may ask; 帮助 points to it and stays one message for a branch secretary', () => {
    expect(figureHelpFor('周支书', ['branch_secretary', 'member'])).toContain('「本支部逾期事项」');
    expect(figureHelpFor('周支书', ['branch_secretary', 'member'])).not.toContain('「全校谈心进度」');
    expect(figureHelpFor('孙总支', ['gb_secretary', 'member'])).toContain('「本总支谈心进度」');
    expect(figureHelpFor('赵组织', ['od_staff', 'member'])).toContain('「全校谈心进度」');
    expect(figureHelpFor('吴党员', ['member'])).toContain('发送「后台」');
    expect(figureHelpFor('吴党员', ['member'])).not.toContain('谈心进度');
    expect(helpFor('周支书', ['branch_secretary', 'member'])).toContain('「统计帮助」');
    expect(Buffer.byteLength(helpFor('欧阳晓明', ['branch_secretary', 'member']))).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
  });
});

const fig = (over: Partial<Figures>): Figures => ({ ...zeroFigures(), ...over });
const content = (m: OutboundMessage) => (m as { content: string }).content;

describe('the answers', () => {
  const gb: FigureTarget = {
    title: '计算机学院党总支',
    figures: fig({ talkQuotaOwed: 14, talkQuotaDone: 7, triggerOverdue: 2, triggerOpen: 1, suggestionsOverdue: 1, holidayOwed: 8, holidayVisited: 5, triggerDoneInTime: 3, triggerDoneLate: 1 }),
    parts: [
      { name: '教工第一党支部', figures: fig({ talkQuotaOwed: 10, talkQuotaDone: 3, triggerOverdue: 2, triggerOpen: 1, suggestionsOverdue: 1, holidayOwed: 6, holidayVisited: 3 }) },
      { name: '学生党支部', figures: fig({ talkQuotaOwed: 4, talkQuotaDone: 4, holidayOwed: 2, holidayVisited: 2 }) },
    ],
  };

  it('谈心进度: done of owed and the percentage, per part; the way to the dashboard last', () => {
    const text = content(talkProgressAnswer(gb, { year: 2026, ownListHint: false }));
    expect(text.split('\n')).toEqual(['**计算机学院党总支2026年谈心进度：已完成 7/14（50%）**', '- 教工第一党支部：3/10（30%）', '- 学生党支部：4/4（100%）', DASHBOARD_POINTER]);
    const none = content(talkProgressAnswer({ title: '教工党支部', figures: zeroFigures(), parts: [] }, { year: 2026, ownListHint: true }));
    expect(none).toContain('今年暂无年度谈心任务。');
    const own = content(talkProgressAnswer({ title: '教工第一党支部', figures: gb.parts[0]!.figures, parts: [] }, { year: 2026, ownListHint: true }));
    expect(own).toContain('查看尚未谈心的同志，请发送「谈心进度」。');
  });

  it('逾期事项 above a branch: counts per part with anything overdue', () => {
    const text = content(overdueAnswer(gb, { today: '2026-12-07' }));
    expect(text.split('\n')).toEqual([
      '**计算机学院党总支逾期事项（截至12月7日）**',
      '五必访、五必谈逾期 2 项，意见建议逾期未答复 1 件。',
      '- 教工第一党支部：五必访、五必谈 2 项，意见建议 1 件',
      '另有未到期的五必访、五必谈事项 1 项。',
      DASHBOARD_POINTER,
    ]);
  });

  it('逾期事项 of a branch: by member and due date, the reason only where shown', () => {
    const branch: FigureTarget = { title: '教工第一党支部', figures: gb.parts[0]!.figures, parts: [] };
    const text = content(
      overdueAnswer(branch, {
        today: '2026-12-07',
        obligations: [
          { kind: 'visit', memberName: '吴生日', reason: '患病住院', dueOn: '2026-11-30' },
          { kind: 'talk', memberName: '郑老党员', reason: null, dueOn: '2026-12-02' },
        ],
      }),
    );
    expect(text.split('\n')).toEqual([
      '**教工第一党支部逾期事项（截至12月7日）**',
      '五必访、五必谈逾期 2 项：',
      '- 走访 吴生日（患病住院），应于11月30日前完成',
      '- 谈心 郑老党员，应于12月2日前完成',
      '意见建议逾期未答复 1 件（答复人发送「待回复的建议」查看）',
      '另有未到期的五必访、五必谈事项 1 项。',
      DASHBOARD_POINTER,
    ]);
    expect(content(overdueAnswer({ title: '学生党支部', figures: zeroFigures(), parts: [] }, { today: '2026-12-07', obligations: [] }))).toContain('目前没有逾期事项。');
  });

  it('走访情况: the holiday campaign, the trigger obligations and the visits recorded', () => {
    const text = content(visitsAnswer(gb, { year: 2026, visitsThisYear: 12, visitsThisMonth: 2 }));
    expect(text.split('\n')).toEqual([
      '**计算机学院党总支走访情况（2026年）**',
      '节日走访（最近一次节日）：已走访 5/8（63%），尚余 3 人',
      '五必访、五必谈事项：按时完成 3 项，逾期完成 1 项，待办 3 项（其中逾期 2 项）',
      '今年已登记走访 12 次，其中本月 2 次',
      '节日走访分项：',
      '- 教工第一党支部：3/6（50%）',
      '- 学生党支部：2/2（100%）',
      DASHBOARD_POINTER,
    ]);
  });

  it('names are escaped', () => {
    const text = content(talkProgressAnswer({ title: '[点此](http://evil.example)', figures: fig({ talkQuotaOwed: 1 }), parts: [] }, { year: 2026, ownListHint: false }));
    expect(text).not.toContain('](');
    expect(text).not.toContain('http://');
  });
});
