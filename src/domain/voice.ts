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

// ---- reporting work and open Party affairs (通报工作, 党务公开) ----

/**
 * To whom an announcement goes, by the sender's office: the OD (for the committee) to every GB and branch secretary
 * (向各支部通报) or to all members (党务公开); a GB secretary to the GB's members or its branch secretaries; a branch
 * secretary to the branch's members. Who may choose which is the access rule's (access.ts announcementTargetOf).
 */
export const ANNOUNCEMENT_AUDIENCES = ['all_secretaries', 'all_members', 'gb_members', 'gb_secretaries', 'branch_members'] as const;
export type AnnouncementAudience = (typeof ANNOUNCEMENT_AUDIENCES)[number];

/** The kind an audience's announcement is: open Party affairs to all members, reporting work otherwise. */
export const ANNOUNCEMENT_KIND_OF: Readonly<Record<AnnouncementAudience, Extract<VoiceKind, 'report_work' | 'announcement'>>> = {
  all_secretaries: 'report_work',
  all_members: 'announcement',
  gb_members: 'report_work',
  gb_secretaries: 'report_work',
  branch_members: 'report_work',
};

/** The audience as the sender's preview and the reader's archive name it. */
export const ANNOUNCEMENT_AUDIENCE_LABEL: Readonly<Record<AnnouncementAudience, string>> = {
  all_secretaries: '各党总支、党支部书记',
  all_members: '全体党员',
  gb_members: '本总支党员',
  gb_secretaries: '本总支各支部书记',
  branch_members: '本支部党员',
};

/** What an announcement publishes besides work (MECHANISM 3.1: exemplary deeds and commendations). */
export const ANNOUNCEMENT_CATEGORIES = ['exemplary_deeds', 'commendation'] as const;
export type AnnouncementCategory = (typeof ANNOUNCEMENT_CATEGORIES)[number];

export const ANNOUNCEMENT_CATEGORY_LABEL: Readonly<Record<AnnouncementCategory, string>> = {
  exemplary_deeds: '典型事迹',
  commendation: '表彰公示',
};
