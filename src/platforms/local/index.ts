// The local web chat as a platform adapter: no external service, the chat page reads deliveries itself.
import type { PlatformAdapter } from '../platform.ts';
import { localChatRoutes, LOCAL_USER_ID } from './callback.ts';
import { LocalSender } from './client.ts';
import { localMenu } from './menu.ts';

export const localPlatform: PlatformAdapter = {
  menu: localMenu,
  create: () => ({
    name: 'local',
    appKey: 'local',
    sender: new LocalSender(),
    routes: localChatRoutes,
    menu: localMenu,
    identity: { userIdPattern: LOCAL_USER_ID },
  }),
};
