// DingTalk's robot has no app menu to install (WeCom's menu/create has no counterpart for an enterprise
// robot's one-to-one chat): each menu item is a sentence the member types instead, and 帮助 lists them.
import { APP_MENU } from '../../conversation/menu-keys.ts';
import type { PlatformMenu } from '../platform.ts';

export const dingtalkMenu: PlatformMenu = {
  render: () => APP_MENU.flatMap((item) => (item.sub ? item.sub.map((s) => s.name) : [item.name])),
  withoutInstall: 'DingTalk: a robot has no app menu to install; members type these words in the chat with the robot (帮助 lists what they can say).',
};
