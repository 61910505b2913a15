// Members' voice (MECHANISM 3.1, issue 14): the canonical codes of reporting work, open Party affairs,
// suggestions and delegates' proposals, with their Chinese labels. Pure.

/** MECHANISM "Canonical codes": voice kind. */
export const VOICE_KINDS = ['report_work', 'announcement', 'suggestion', 'proposal'] as const;
export type VoiceKind = (typeof VOICE_KINDS)[number];

export const VOICE_KIND_LABEL: Readonly<Record<VoiceKind, string>> = {
  report_work: '通报工作',
  announcement: '党务公开',
  suggestion: '意见建议',
  proposal: '提案',
};

export const isVoiceKind = (v: string): v is VoiceKind => (VOICE_KINDS as readonly string[]).includes(v);
