// Assistance (帮扶, MECHANISM 1): the canonical codes with their Chinese labels, which causes are long-term, and
// money as integer fen — parsed from what people write (300元, ¥2,000, 1.5万元) and written back in yuan. Pure.
export type HardshipCause = 'old_age' | 'frailty' | 'illness' | 'disability' | 'misfortune' | 'disaster' | 'other';
export type HardshipState = 'awaiting_consent' | 'applied' | 'approved' | 'rejected' | 'archived';
/** The steps of assistance that someone owes by a date (reminded and escalated like visits). */
export type AssistanceTaskKind = 'hardship_consent' | 'hardship_review' | 'aid_consent' | 'aid_opinion' | 'aid_decision' | 'aid_payment' | 'subsidy_renewal';
export type EmergencyAidCause = 'serious_illness' | 'disaster' | 'schooling' | 'other';
export type EmergencyAidState = 'awaiting_consent' | 'applied' | 'gb_reviewed' | 'approved' | 'rejected' | 'paid' | 'withdrawn';


export const HARDSHIP_CAUSES = ['old_age', 'frailty', 'illness', 'disability', 'misfortune', 'disaster', 'other'] as const satisfies readonly HardshipCause[];

export const HARDSHIP_CAUSE_LABELS: Record<HardshipCause, string> = {
  old_age: '年老',
  frailty: '体弱',
  illness: '患病',
  disability: '残疾',
  misfortune: '重大变故',
  disaster: '自然灾害',
  other: '其他',
};

/** Causes a fixed monthly subsidy may be granted for (老弱病残): lasting, not one-off. */
export const LONG_TERM_CAUSES: readonly HardshipCause[] = ['old_age', 'frailty', 'illness', 'disability'];

export const isHardshipCause = (c: string): c is HardshipCause => (HARDSHIP_CAUSES as readonly string[]).includes(c);

export const HARDSHIP_STATE_LABELS: Record<HardshipState, string> = {
  awaiting_consent: '待本人同意',
  applied: '待审核',
  approved: '已确定',
  rejected: '未通过',
  archived: '已归档',
};

/** The states in which an entry is still alive (one per member at a time). */
export const LIVE_HARDSHIP_STATES: readonly HardshipState[] = ['awaiting_consent', 'applied', 'approved'];

export const EMERGENCY_AID_CAUSES = ['serious_illness', 'disaster', 'schooling', 'other'] as const satisfies readonly EmergencyAidCause[];

export const EMERGENCY_AID_CAUSE_LABELS: Record<EmergencyAidCause, string> = {
  serious_illness: '重大疾病',
  disaster: '自然灾害',
  schooling: '子女上学',
  other: '其他',
};

export const EMERGENCY_AID_STATE_LABELS: Record<EmergencyAidState, string> = {
  awaiting_consent: '待本人同意',
  applied: '待党总支提出意见',
  gb_reviewed: '待党委组织部审批',
  approved: '已批准待发放',
  rejected: '未批准',
  paid: '已发放',
  withdrawn: '已撤回',
};

export const RELIEF_KIND_LABELS = { monthly_subsidy: '定额补助', emergency_aid: '突发困难补助' } as const;
export type ReliefKind = keyof typeof RELIEF_KIND_LABELS;

export const PAIRING_MODE_LABELS = { one_to_one: '一帮一', many_to_one: '多帮一' } as const;
export type PairingMode = keyof typeof PAIRING_MODE_LABELS;

/** One helper is 一帮一; several live helpers of one member are 多帮一. */
export const pairingMode = (liveHelpers: number): PairingMode => (liveHelpers > 1 ? 'many_to_one' : 'one_to_one');

/** What each assistance obligation is, as its reminder names it. */
export const ASSISTANCE_TASK_LABELS: Record<AssistanceTaskKind, string> = {
  hardship_consent: '确认是否同意推荐为生活困难党员',
  hardship_review: '审核生活困难党员申报',
  aid_consent: '确认是否同意代为申请突发困难补助',
  aid_opinion: '对突发困难补助申请提出意见',
  aid_decision: '审批突发困难补助申请',
  aid_payment: '发放突发困难补助',
  subsidy_renewal: '确定定额补助是否续期',
};

// ---- money: integer fen ----

/** 元 (yuan) → 分 (fen). */
export const FEN_PER_YUAN = 100;

/**
 * The first amount of money written in a message, in fen, or undefined: "300元", "300 元", "¥2,000", "2000块",
 * "1.5万元", "300.50元". A number counts only with ¥ before it or 元/块/万 after it, so dates and counts
 * ("2027年1月", "3个月") are never read as money; "三百元" is not read (the bot asks for digits). At most two
 * decimals of a yuan; zero refused.
 */
export function parseYuan(text: string): number | undefined {
  const re = /([¥￥]\s*)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*(万)?\s*(元|块|圆)?/gu;
  for (const m of text.matchAll(re)) {
    if (!m[1] && !m[4] && !m[5]) continue;
    const whole = BigInt(m[2]!.replace(/,/g, ''));
    const frac = BigInt((m[3] ?? '').padEnd(2, '0') || '0');
    // 1.5万 = 15,000 yuan: the decimals belong to the 万.
    const fen = m[4] ? whole * 1_000_000n + BigInt((m[3] ?? '').padEnd(2, '0') || '0') * 10_000n : whole * 100n + frac;
    if (fen <= 0n || fen > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    return Number(fen);
  }
  return undefined;
}

/** 30000 → "300元", 30050 → "300.50元", 1234500 → "12,345元". */
export function formatYuan(fen: number): string {
  const yuan = Math.trunc(fen / FEN_PER_YUAN);
  const cents = Math.abs(fen % FEN_PER_YUAN);
  const whole = yuan.toLocaleString('en-US');
  return `${whole}${cents ? `.${String(cents).padStart(2, '0')}` : ''}元`;
}

/** The exact decimal string of an amount in yuan, for exports: 30050 → "300.50". */
export const yuanString = (fen: number): string => `${Math.trunc(fen / FEN_PER_YUAN)}.${String(Math.abs(fen % FEN_PER_YUAN)).padStart(2, '0')}`;
