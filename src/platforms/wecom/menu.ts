// The app menu in WeCom's menu/create format (wecom-protocol.md §3.5), validated against its limits so a
// bad menu fails here with a clear message rather than as errcode 40016–40027 from WeCom.
import { APP_MENU } from '../../conversation/menu-keys.ts';
import type { PlatformMenu } from '../platform.ts';

export interface WecomMenuButton {
  type?: 'click';
  name: string;
  key?: string;
  sub_button?: Array<{ type: 'click'; name: string; key: string }>;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export function buildWecomMenu(menu = APP_MENU): { button: WecomMenuButton[] } {
  const problems: string[] = [];
  if (menu.length < 1 || menu.length > 3) problems.push('1 to 3 top-level buttons');
  const button = menu.map((m): WecomMenuButton => {
    if (bytes(m.name) === 0 || bytes(m.name) > 16) problems.push(`top-level name "${m.name}" must be 1–16 bytes (5 Chinese characters)`);
    if (m.sub) {
      if (m.sub.length < 1 || m.sub.length > 5) problems.push(`"${m.name}" needs 1 to 5 sub-buttons`);
      return {
        name: m.name,
        sub_button: m.sub.map((s) => {
          if (bytes(s.name) === 0 || bytes(s.name) > 40) problems.push(`sub-button name "${s.name}" must be 1–40 bytes`);
          if (bytes(s.key) > 128) problems.push(`key "${s.key}" longer than 128 bytes`);
          return { type: 'click' as const, name: s.name, key: s.key };
        }),
      };
    }
    if (!m.key) problems.push(`"${m.name}" needs a key or sub-buttons`);
    return { type: 'click', name: m.name, key: m.key ?? '' };
  });
  if (problems.length > 0) throw new Error(`invalid menu: ${problems.join('; ')}`);
  return { button };
}

export const wecomMenu: PlatformMenu = { render: () => buildWecomMenu() };
