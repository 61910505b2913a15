// What people type that is no record: a greeting (你好), thanks (谢谢), an acknowledgement (收到), a request for
// help (帮助, 怎么用) — answered briefly, pointing to 帮助 (issue 9 point 15). And the two ways a short command
// gets mistyped: a space inside it (帮 助, 待 办) and traditional characters (幫助, 待辦, 談心進度).

/**
 * Traditional → simplified for the characters of the bot's commands, the care words (reasons, family words,
 * verbs) and common surnames. A small table on purpose: only characters with one simplified form, so no
 * simplified text is ever changed (幹/乾/後/髮-like ambiguities are left out).
 */
const TRADITIONAL =
  '幫帮 辦办 銷销 撤撤 進进 談谈 訪访 說说 報报 問问 謝谢 門门 醫医 過过 親亲 媽妈 愛爱 難难 變变 動动 崗岗 調调 誤误 錯错 紛纷 ' +
  '題题 單单 務务 會会 們们 還还 與与 這这 個个 員员 書书 記记 黨党 總总 級级 績绩 導导 組组 織织 歲岁 節节 慶庆 陽阳 ' +
  '傷伤 災灾 禍祸 療疗 術术 癥症 腫肿 歿殁 喪丧 葬葬 墳坟 無无 業业 貧贫 窮穷 濟济 壓压 緒绪 鬱郁 矛矛 盾盾 爭争 執执 吵吵 ' +
  '訴诉 舉举 反反 映映 處处 罰罚 領领 轉转 職职 換换 開开 啟启 參参 對对 見见 視视 聽听 話话 聊聊 識识 請请 謂谓 嗎吗 麼么 ' +
  '嗎吗 號号 週周 們们 時时 間间 從从 兒儿 孫孙 陳陈 張张 劉刘 楊杨 趙赵 黃黄 吳吴 鄭郑 馬马 韓韩 馮冯 蕭萧 葉叶 許许 鄧邓 ' +
  '蘇苏 盧卢 蔣蒋 閻阎 錢钱 顧顾 羅罗 偉伟 華华 國国 強强 軍军 麗丽 靜静 紅红 鳳凤 蘭兰 龍龙 鵬鹏 濤涛 傑杰 戰战 勝胜 ' +
  '歷历 頁页 顯显 嗨嗨 啰啰 囉啰 辛辛 苦苦 資资 飯饭 條条 經经 據据 備备 實实 確确 認认 錄录 寫写 讀读 機机 關关 懷怀 歡欢 迎迎 ' +
  '隊队 鄉乡 區区 鎮镇 縣县 學学 園园 長长 師师 傳传 統统 電电 腦脑 網网 絡络 ';

const T2S: ReadonlyMap<string, string> = new Map(
  TRADITIONAL.trim()
    .split(/\s+/u)
    .filter((pair) => pair[0] !== pair[1])
    .map((pair) => [pair[0]!, pair[1]!]),
);

/** The message with the traditional characters of the table in their simplified form. */
export function toSimplified(text: string): string {
  let out = '';
  for (const c of text) out += T2S.get(c) ?? c;
  return out;
}

/** A short message of Han characters only: 帮 助, 待 办, 谈心 进度 — the spaces are typos, not separators. */
const SHORT_COMMAND = 6;

/**
 * Joins the spaces of a short all-Han message (帮 助 → 帮助). Longer messages, and any with something else
 * in them, keep their spaces: there a space separates names (谈心 张伟 王芳) or details.
 */
export function joinShortCommand(text: string): string {
  if (!text.includes(' ')) return text;
  const joined = text.replace(/ /gu, '');
  return joined.length <= SHORT_COMMAND && /^\p{Script=Han}+$/u.test(joined) ? joined : text;
}

export type SmallTalk = 'help' | 'incentive_help' | 'voice_help' | 'greeting' | 'thanks' | 'acknowledgement';

const words = (s: string) => new Set(s.trim().split(/\s+/u));

/** Whole messages that ask for help (compared without spaces and punctuation, lower case). */
export const HELP_MESSAGES: ReadonlySet<string> = words(
  '帮助 help ? 菜单 功能 怎么用 使用说明 说明 用法 指令 命令 如何使用 怎么使用 怎么记录 能做什么 你能做什么 帮助一下 求助 帮助信息',
);
/** Whole messages that ask for the incentive sentences (考评帮助): goals, self-evaluation, grades, honours, review. */
export const INCENTIVE_HELP_MESSAGES: ReadonlySet<string> = words('考评帮助 激励帮助 考评说明 激励说明 考评怎么用 考评功能');
/** Whole messages that ask for the members'-voice sentences (权利帮助): 通报, 党务公开, suggestions, proposals (MECHANISM 3.1). */
export const VOICE_HELP_MESSAGES: ReadonlySet<string> = words('权利帮助 党员权利帮助 民主权利帮助 通报帮助 党务公开帮助 通报说明 党务公开说明 意见建议帮助 建议帮助 意见建议怎么提 怎么提意见建议 提案帮助');
/** How do I …: help, whatever verb follows. */
export const HOW_TO = /(?:怎么|怎样|如何)(?:记录|登记|录入|用|使用|操作|填|报|撤销)/u;

const GREETINGS = words(
  '你好 您好 你好呀 您好呀 你好啊 您好啊 你们好 大家好 hi hello 哈喽 嗨 在吗 在不在 在么 早 早上好 上午好 中午好 下午好 晚上好 早安 ' +
    '书记好 老师好 助手好 你好助手 您好助手',
);
const THANKS = words(
  '谢谢 谢谢你 谢谢您 谢谢啦 谢啦 谢了 多谢 感谢 非常感谢 十分感谢 感谢感谢 谢谢谢谢 thanks thankyou thx 辛苦了 辛苦 ' +
    '好的谢谢 好的谢谢你 好的谢谢您 收到谢谢 收到谢谢你 知道了谢谢 明白了谢谢 谢谢提醒 感谢提醒',
);
const ACKNOWLEDGEMENTS = words('收到 好的 好 ok okay 嗯 嗯嗯 知道了 明白 明白了 了解 懂了 行 可以 没问题 好滴 好哒 收到了 已收到');

/**
 * A message that is only small talk, or a request for help. `compact` is the normalised message without
 * spaces, punctuation and symbols, ASCII lower-cased; `text` the normalised message (for 怎么记录谈心？).
 */
export function smallTalkOf(compact: string, text: string): SmallTalk | undefined {
  if (INCENTIVE_HELP_MESSAGES.has(compact)) return 'incentive_help';
  if (VOICE_HELP_MESSAGES.has(compact)) return 'voice_help';
  if (HELP_MESSAGES.has(compact) || (compact === '' && /\?/u.test(text)) || HOW_TO.test(text)) return 'help';
  if (GREETINGS.has(compact)) return 'greeting';
  if (THANKS.has(compact)) return 'thanks';
  if (ACKNOWLEDGEMENTS.has(compact)) return 'acknowledgement';
  return undefined;
}
