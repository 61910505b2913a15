// The app menu in the local web chat: the neutral menu as is (chat.html draws it from /local/menu).
import { APP_MENU } from '../../conversation/menu-keys.ts';
import type { PlatformMenu } from '../platform.ts';

export const localMenu: PlatformMenu = {
  render: () => APP_MENU,
  withoutInstall: 'local mode (no chat platform configured): nothing sent; the web chat shows this menu.',
};
