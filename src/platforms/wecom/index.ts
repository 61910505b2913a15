// WeCom (企业微信) as a platform adapter: callback routes, the message/send client with its token cache and
// per-recipient rate limit, template cards, the app menu (wecom-protocol.md).
import { ConfigError } from '../../errors.ts';
import { platformObservers, type PlatformAdapter } from '../platform.ts';
import { wecomCallbackRoutes } from './callback.ts';
import { WecomClient } from './client.ts';
import { readWecomConfig, WECOM_VARS, type WecomConfig } from './config.ts';
import { WecomCrypto } from './crypto.ts';
import { buildWecomMenu, wecomMenu } from './menu.ts';
import { RecipientRateLimiter } from './rate-limit.ts';
import { WecomTokenCache } from './token-cache.ts';
import { wecomWebSignIn } from './oauth.ts';

/** A WeCom userid: 1–64 of letters, digits and _-@. (the directory's own rule). */
export const WECOM_USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

export const wecomPlatform: PlatformAdapter = {
  readConfig: readWecomConfig,
  setup: { variables: WECOM_VARS, label: 'WECOM_*', serves: 'WeCom' },
  menu: wecomMenu,
  create({ config, redis, sharedKeyPrefix, metrics }) {
    const w = config.platformSettings.wecom as WecomConfig | undefined;
    if (!w) throw new ConfigError(`the WeCom platform needs ${WECOM_VARS.join(', ')}`);
    const { observe, refreshed } = platformObservers(metrics, 'wecom');
    const tokens = new WecomTokenCache({ redis, corpId: w.corpId, agentId: w.agentId, secret: w.secret, apiBase: w.apiBase, keyPrefix: `${sharedKeyPrefix}:`, observe, onRefreshed: refreshed?.('gettoken') });
    const client = new WecomClient({ tokens, apiBase: w.apiBase, agentId: w.agentId, observe });
    const crypto = new WecomCrypto(w.encodingAESKey);
    return {
      name: 'wecom',
      appKey: `${w.corpId}-${w.agentId}`,
      sender: client,
      rateLimiter: new RecipientRateLimiter(redis, { keyPrefix: `${sharedKeyPrefix}:rl:` }),
      routes: wecomCallbackRoutes({ crypto, config: w }),
      menu: wecomMenu,
      async installMenu() {
        const menu = buildWecomMenu();
        await client.createMenu(menu as unknown as { button: Array<Record<string, unknown>> });
        return `menu created for agent ${w.agentId}: ${menu.button.map((b) => b.name).join(' | ')}`;
      },
      ...(w.webSignIn.length > 0
        ? { webSignIn: wecomWebSignIn({ corpId: w.corpId, agentId: w.agentId, apiBase: w.apiBase, oauthBase: w.oauthBase, ssoBase: w.ssoBase, modes: w.webSignIn, tokens, observe }) }
        : {}),
      identity: { userIdPattern: WECOM_USER_ID },
    };
  },
};
