// DingTalk (钉钉) as a platform adapter (wecom-protocol.md §5): robot messages and event subscription over HTTP
// (or one Stream connection), replies and pushes as robot one-to-one messages or work notifications, card
// buttons as links that send the member's answer back (card-action.ts), no app menu.
import { ConfigError } from '../../errors.ts';
import { platformObservers, type PlatformAdapter } from '../platform.ts';
import { dingtalkCallbackRoutes, dingtalkStreamReceiver } from './callback.ts';
import { DingtalkClient } from './client.ts';
import { DINGTALK_VARS, readDingtalkConfig, type DingtalkConfig } from './config.ts';
import { DingtalkCrypto } from './crypto.ts';
import { dingtalkMenu } from './menu.ts';
import { dingtalkTokens } from './token-cache.ts';
import { dingtalkWebSignIn } from './oauth.ts';

/** A DingTalk userid: letters, digits and _-@. up to 64 (the roster's rule for 钉钉账号). */
export const DINGTALK_USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

export const dingtalkPlatform: PlatformAdapter = {
  readConfig: readDingtalkConfig,
  setup: { variables: ['DINGTALK_APP_KEY', 'DINGTALK_APP_SECRET'], label: 'DINGTALK_*', serves: 'DingTalk' },
  menu: dingtalkMenu,
  create({ config, redis, sharedKeyPrefix, log, metrics }) {
    const d = config.platformSettings.dingtalk as DingtalkConfig | undefined;
    if (!d) throw new ConfigError(`the DingTalk platform needs ${DINGTALK_VARS.slice(0, 2).join(', ')}`);
    const observers = platformObservers(metrics, 'dingtalk');
    const tokens = dingtalkTokens({ redis, appKey: d.appKey, appSecret: d.appSecret, apiBase: d.apiBase, oapiBase: d.oapiBase, keyPrefix: `${sharedKeyPrefix}:`, ...observers });
    const client = new DingtalkClient({ config: d, tokens, ...(log ? { log } : {}), observe: observers.observe });
    // Over HTTP both routes; in Stream mode the robot route stays (DingTalk may still post to it) and events come over the connection.
    const crypto = d.mode === 'http' ? DingtalkCrypto.fromConfig(d) : undefined;
    return {
      name: 'dingtalk',
      appKey: d.appKey,
      sender: client,
      routes: dingtalkCallbackRoutes({ config: d, crypto }),
      ...(d.mode === 'stream'
        ? {
            async receive(deps) {
              const stream = dingtalkStreamReceiver(d, deps);
              await stream.start();
              return stream;
            },
          }
        : {}),
      menu: dingtalkMenu,
      ...(d.webSignIn && d.loginBase
        ? { webSignIn: dingtalkWebSignIn({ appKey: d.appKey, appSecret: d.appSecret, apiBase: d.apiBase, oapiBase: d.oapiBase, loginBase: d.loginBase, oapiToken: tokens.oapi, observe: observers.observe }) }
        : {}),
      identity: { userIdPattern: DINGTALK_USER_ID },
    };
  },
};
