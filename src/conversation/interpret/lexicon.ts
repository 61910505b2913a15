// The words the interpreter knows: command verbs (谈心, 走访 …), the wordings of every canonical reason
// (MECHANISM.md "Canonical codes"), family words and death words (bereavement vs death), and the chat commands.
// Each list is plain data; add a wording here when a misunderstanding is found (and a corpus line for it).

export type VisitReason = 'hospitalised' | 'disaster' | 'hardship' | 'bereavement' | 'death' | 'holiday';
export type TalkReason = 'setback' | 'job_change' | 'mistake' | 'dispute' | 'complaint' | 'routine';
export type ReasonCode = VisitReason | TalkReason;
export type CommandIntent = 'todo' | 'birthdays' | 'progress' | 'undo' | 'help';

export type Lex =
  /** A talk was (or is being) held. `completed`: the wording itself says it is done (谈了, 已谈). */
  | { kind: 'talk'; completed: boolean }
  | { kind: 'visit'; completed: boolean }
  /** 报告, 上报: the message reports a trigger. */
  | { kind: 'report' }
  /** A reason wording; what it means for a visit and for a talk (困难: hardship for a visit, setback for a talk). */
  | { kind: 'reason'; visit: VisitReason | null; talk: TalkReason | null }
  /** 父亲, 母亲, 爱人 …: with a death word in the same clause, a bereavement rather than the member's death. */
  | { kind: 'family' }
  | { kind: 'death' }
  /** 例行, 年度: an explicitly routine talk. */
  | { kind: 'routine' }
  /** 慰问金, 慰问品: kept in the note, and a hint that this is a visit when no verb says so. */
  | { kind: 'keep'; visit: boolean }
  /** 我, 本人: the writer (counts as the member in a report). */
  | { kind: 'self' }
  | { kind: 'command'; intent: CommandIntent };

const words = (s: string) => s.trim().split(/\s+/u);

const ENTRIES: Array<[string, Lex]> = [];
const add = (list: string, lex: Lex) => {
  for (const w of words(list)) ENTRIES.push([w, lex]);
};

// ---- what happened ----
add('谈心 谈话 谈心谈话 交心 交谈 聊天 聊聊 谈谈 谈一谈 约谈 个别谈话 面谈 深谈 沟通 交流 找他谈 找她谈 ', { kind: 'talk', completed: false });
add('谈了 谈过 谈完 已谈 已谈心 已谈话 已经谈心 已经谈过 聊了 聊过 聊了聊 谈了谈 谈了心 谈了一次心 谈过心 谈了话 谈过话 谈了次话 谈了一次话 谈了谈心 谈了会儿 聊了会儿 聊了一会儿 聊了一下', { kind: 'talk', completed: true });
add('走访 看望 探望 慰问 家访 拜访 上门 探视 探访 登门 入户 走访慰问 看望慰问 上门慰问 上门看望 去看 去看望 前往看望 专程看望', {
  kind: 'visit',
  completed: false,
});
add('看了 看过 已访 访了 已走访 已看望 已慰问 看望了 走访了 慰问了 探望了', { kind: 'visit', completed: true });
add('报告 上报 报备 汇报 报: 报告一下 情况报告 报个情况', { kind: 'report' });
add('慰问金 慰问品 慰问信 慰问费 慰问款 慰问物资 慰问卡', { kind: 'keep', visit: true });

// ---- visit triggers ----
add(
  '住院 患病住院 生病住院 因病住院 住院治疗 住进医院 住进了医院 入院 医院 生病 患病 病了 生病了 手术 做手术 动手术 做了手术 看病 去看病 ' +
    '病重 重病 病危 大病 急诊 icu 重症 骨折 摔伤 受伤 车祸 身体不适 化疗 癌症 肿瘤 抢救 治疗 患癌 脑梗 中风 心梗',
  { kind: 'reason', visit: 'hospitalised', talk: null },
);
add(
  '台风 洪水 洪涝 受灾 遭灾 地震 火灾 灾害 自然灾害 遭受灾害 水灾 冰雹 泥石流 暴雨 内涝 房屋倒塌 着火 失火 雪灾 旱灾 山体滑坡 滑坡 灾情',
  { kind: 'reason', visit: 'disaster', talk: null },
);
add(
  '生活困难 特殊困难 经济困难 家庭困难 家庭经济困难 生活遇到特殊困难 生活遇到困难 困难 低保 失业 下岗 重大变故 家庭变故 变故 入不敷出 困难党员 生活拮据 拮据',
  { kind: 'reason', visit: 'hardship', talk: 'setback' },
);
add('春节 新春 过年 节前 七一 七·一 建党节 节日 中秋 中秋节 端午 端午节 国庆 国庆节 元旦 重阳 重阳节 元宵 元宵节', {
  kind: 'reason',
  visit: 'holiday',
  talk: null,
});
add('去世 逝世 病故 过世 亡故 离世 病逝 辞世 故去 身故 仙逝 去逝 逝去 因病去世 不幸去世 不幸逝世 不幸离世 死亡 因病逝世', { kind: 'death' });
add(
  '父亲 母亲 爸爸 妈妈 老爸 老妈 老父亲 老母亲 老父 老母 父母 双亲 爱人 配偶 妻子 丈夫 老婆 老公 老伴 媳妇 儿子 女儿 子女 孩子 家属 家人 亲人 亲属 ' +
    '岳父 岳母 公公 婆婆 爷爷 奶奶 外公 外婆 祖父 祖母 外祖父 外祖母 哥哥 姐姐 弟弟 妹妹 兄弟 姐妹 兄长 孙子 孙女 家中老人 家里老人',
  { kind: 'family' },
);

// ---- talk triggers ----
add(
  '困难挫折 遇到困难挫折 挫折 受挫 情绪低落 情绪不好 心情不好 心情低落 思想波动 思想包袱 思想压力 压力大 压力较大 压力很大 情绪波动 低落 焦虑 ' +
    '失落 苦恼 郁闷 想不开 遇到困难 失利 落选 未评上 没评上 没考上 失恋 心理压力 情绪问题 心理问题',
  { kind: 'reason', visit: null, talk: 'setback' },
);
add(
  '岗位变动 岗位调整 岗位变化 调岗 换岗 转岗 调动 工作调动 职务调整 职务变动 职务变化 轮岗 新岗位 调整岗位 调整工作 调任 调入 调出 调到 调至 调往 调离 转岗至 提拔 晋升 ' +
    '履新 交流任职 挂职 任职调整 调整分工 分工调整 工作变动 工作调整',
  { kind: 'reason', visit: null, talk: 'job_change' },
);
add(
  '工作失误 失误 差错 出错 出了差错 工作出了差错 出了工作差错 出现差错 出现失误 工作差错 犯错 犯了错误 犯错误 错误 过失 事故 教学事故 责任事故 处分 受处分 受到处分 问责 被问责 通报批评 受到批评 被批评 挨批评 违纪 失职 疏忽',
  { kind: 'reason', visit: null, talk: 'mistake' },
);
add('矛盾 纠纷 矛盾纠纷 争执 吵架 争吵 冲突 闹矛盾 不和 口角 打架 摩擦 闹别扭 闹僵', { kind: 'reason', visit: null, talk: 'dispute' });
add('不良反映 群众反映 群众有不良反映 投诉 被投诉 群众投诉 被群众投诉 举报 被举报 信访 负面反映 差评 有反映 反映问题 群众意见', {
  kind: 'reason',
  visit: null,
  talk: 'complaint',
});
add('例行 年度 日常 常规 定期', { kind: 'routine' });

// ---- the writer ----
add('我 本人', { kind: 'self' });

// ---- chat commands ----
add('待办 待办事项 待处理 待完成 我的任务 任务清单 待做 todo', { kind: 'command', intent: 'todo' });
add('政治生日 入党纪念日 入党周年', { kind: 'command', intent: 'birthdays' });
add('进度 完成情况 完成进度 完成了多少 完成多少', { kind: 'command', intent: 'progress' });
add('撤销 撤回 撤消 undo', { kind: 'command', intent: 'undo' });
add('帮助 help 使用说明 怎么用', { kind: 'command', intent: 'help' });

// ---- around names ----

/** Titles written after a name; stripped with it (张伟同志). Longest first. */
export const TITLES: readonly string[] = words(
  '同志 老师 书记 支书 副书记 主任 副主任 教授 副教授 院长 副院长 处长 副处长 科长 部长 校长 委员 师傅 同学 老人 阿姨 大爷 大姐 大哥 博士 医生 先生 女士 老先生 老同志',
).sort((a, b) => b.length - a.length);

/** Written after a name to say where (到张伟家中走访): removed with the name when no other word starts there. */
export const PLACE_SUFFIXES: readonly string[] = ['家中', '家里', '家'];

// ---- lookup ----

export interface LexEntry {
  word: string;
  lex: Lex;
}

const BY_FIRST = new Map<string, LexEntry[]>();
for (const [word, lex] of ENTRIES) {
  const key = word[0]!;
  const list = BY_FIRST.get(key) ?? [];
  // A word listed twice keeps its first meaning.
  if (!list.some((e) => e.word === word)) list.push({ word, lex });
  BY_FIRST.set(key, list);
}
for (const list of BY_FIRST.values()) list.sort((a, b) => b.word.length - a.word.length);

/** The longest lexicon word starting at `i` of `text` (lower-cased ASCII), ending at or before `limit`. */
export function lexAt(text: string, i: number, limit: number = text.length): LexEntry | undefined {
  const list = BY_FIRST.get(text[i]!);
  if (!list) return undefined;
  for (const e of list) if (i + e.word.length <= limit && text.startsWith(e.word, i)) return e;
  return undefined;
}
