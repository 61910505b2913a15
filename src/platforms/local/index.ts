// The local web chat as a platform adapter: no external service, the chat page reads deliveries itself.
import type { PlatformAdapter, PlatformDeps } from '../platform.ts';
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
    announce: announceLocalMode,
  }),
};

/** Local mode lets whoever reaches the web chat act as any member: say where it listens, loudly when exposed. */
function announceLocalMode(deps: PlatformDeps): void {
  const { host, port } = deps.config;
  if (deps.config.localModeExposed) {
    const warning = `WARNING: local mode listens on ${host}:${port} (LOCAL_MODE_HOST): anyone who can reach it can read every member's messages and write as anyone. Use it only on a trusted network.`;
    deps.log.warn({ host, port }, warning);
    process.stderr.write(`partycare: ${warning}\n`);
  } else {
    deps.log.warn({ url: `http://127.0.0.1:${port}/` }, 'local mode (no chat platform configured): web chat on loopback only');
  }
  if (deps.config.ignoredHost) {
    deps.log.warn({ host: deps.config.ignoredHost }, 'HOST is ignored in local mode (LOCAL_MODE_HOST listens beyond loopback)');
  }
}

