// Menu button keys: the same keys on every platform (WeCom menu, local web chat), handled by one router.
export const MENU = {
  todo: 'todo',
  logCare: 'log_care',
  birthdays: 'birthdays',
  progress: 'progress',
  help: 'help',
  hardshipApply: 'hardship_apply',
  myAssistance: 'my_assistance',
  /** The dashboard's one-time sign-in link (issue 16). */
  dashboard: 'dashboard',
} as const;

export type MenuKey = (typeof MENU)[keyof typeof MENU];

/** The app menu as users see it; platform adapters turn it into their wire format. */
export const APP_MENU: Array<{ name: string; key?: MenuKey; sub?: Array<{ name: string; key: MenuKey }> }> = [
  { name: '我的待办', key: MENU.todo },
  {
    name: '记录',
    sub: [
      { name: '记录谈心走访', key: MENU.logCare },
      { name: '本月政治生日', key: MENU.birthdays },
      { name: '谈心进度', key: MENU.progress },
      { name: '帮助', key: MENU.help },
      // The dashboard (issue 16): WeCom allows five sub-buttons, this is the fifth.
      { name: '工作台', key: MENU.dashboard },
    ],
  },
  // Assistance (帮扶, MECHANISM 1): WeCom allows three top-level buttons, so 帮助 moved under 记录.
  {
    name: '帮扶',
    sub: [
      { name: '申请困难帮扶', key: MENU.hardshipApply },
      { name: '我的帮扶', key: MENU.myAssistance },
    ],
  },
];
