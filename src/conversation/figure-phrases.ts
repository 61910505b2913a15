// Asking for the dashboard's figures in chat (issue 16 section 4), pure:
//   "本总支谈心进度" / "本支部谈心进度" / "全校谈心进度" / "全委谈心进度"   the year's talk quotas, per part
//   "本支部逾期事项" / "本总支逾期事项" / "全校逾期事项" / "逾期事项"       overdue obligations and suggestions
//   "计算机学院走访情况" / "计算机学院党总支走访情况" / "本支部走访情况"       visits of an organisation
//   "教工第一党支部逾期事项", "文学院谈心进度"                               any topic about an organisation named
//   "统计帮助"                                                             what can be asked
// Plain "谈心进度" (and "走访完成情况") stay the writer's own quota list (care-conversation); "逾期事项" alone is the
// widest view the writer has. A question may start with 查看/查询/请问 and end with ？ or 。.
export type FigureTopic = 'talks' | 'overdue' | 'visits';

/** Whose figures: the writer's branch, general branch or committee; the widest they have; or an organisation named. */
export type FigureQueryScope = { level: 'branch' | 'general_branch' | 'committee' | 'widest' } | { name: string };

export type FigureQuery = { kind: 'figures'; topic: FigureTopic; scope: FigureQueryScope } | { kind: 'help' };

const TOPICS: ReadonlyArray<[FigureTopic, RegExp]> = [
  ['talks', /(?:年度)?谈心(?:谈话)?(?:工作)?(?:完成)?(?:进度|情况)$/u],
  ['overdue', /(?:逾期|超期)(?:未办|未完成)?(?:事项|情况|清单|名单|待办)$/u],
  ['visits', /走访(?:慰问)?(?:工作)?(?:完成)?(?:情况|进度)$/u],
];

const LEVELS: ReadonlyArray<[RegExp, 'branch' | 'general_branch' | 'committee']> = [
  [/^本(?:党)?支部$/u, 'branch'],
  [/^本(?:党)?总支(?:部)?$/u, 'general_branch'],
  [/^(?:全校|全委|全党委|校党委|党委|全体)$/u, 'committee'],
];

/** Words that start a sentence about a person or a time, not an organisation's name. */
const NOT_A_NAME = /^(?:我|你|他|她|和|与|跟|同|对|给|今天|昨天|前天|上周|本周|这周|本月|这个月|上个月|最近|今年)/u;

const HELP = /^(?:统计|数据|工作台|后台数据|进度)(?:帮助|说明)$/u;

/** Pure: the question a message asks, if any. */
export function matchFigureQuery(message: string): FigureQuery | undefined {
  const t = message
    .normalize('NFKC')
    .replace(/\s+/gu, '')
    .replace(/[?？。.!！]+$/u, '')
    .replace(/^(?:请问|请|麻烦)?(?:查看|查询|看看|看一下|查一下)?/u, '');
  if (HELP.test(t)) return { kind: 'help' };
  for (const [topic, words] of TOPICS) {
    const m = words.exec(t);
    if (!m) continue;
    const before = t.slice(0, m.index).replace(/的$/u, '');
    if (before === '') return topic === 'overdue' ? { kind: 'figures', topic, scope: { level: 'widest' } } : undefined;
    const level = LEVELS.find(([re]) => re.test(before))?.[1];
    if (level) return { kind: 'figures', topic, scope: { level } };
    if ([...before].length < 2 || [...before].length > 40 || NOT_A_NAME.test(before) || /[，,、：:；;]/u.test(before)) return undefined;
    return { kind: 'figures', topic, scope: { name: before } };
  }
  return undefined;
}

/**
 * Whether a name written before the topic reads as an organisation's (学院, 党总支, 支部 …): such a question is
 * answered even when no organisation the writer sees bears the name — the same answer as for one out of their
 * scope. A name without such an ending is answered only when it is one of the writer's organisations' names.
 */
export function looksLikeOrganisation(name: string): boolean {
  return /(?:学院|学部|系|部|委|总支|支部|中心|处|所|馆|院|室|队|站|机关|委员会)$/u.test(name);
}
