// The WeCom app a benchmark's processes talk to: a fake WeCom API on 127.0.0.1 (test/helpers/fake-wecom.ts) and
// the environment that points the bot at it. One place, so every benchmark configures the same app.
import { randomBytes } from 'node:crypto';

/** The bench app's identity; the secret is new for each run (a token cached from another run is never valid). */
export function benchWecomApp(): { corpId: string; agentId: string; secret: string } {
  return { corpId: 'wwbenchcorp00001', agentId: '1000002', secret: `bench-${randomBytes(8).toString('hex')}` };
}

/** The WECOM_* variables for a bot that talks to the fake at `apiBase`. */
export function benchWecomEnv(app: { corpId: string; agentId: string; secret: string }, apiBase: string): Record<string, string> {
  return {
    WECOM_CORP_ID: app.corpId,
    WECOM_AGENT_ID: app.agentId,
    WECOM_SECRET: app.secret,
    WECOM_TOKEN: 'benchToken',
    WECOM_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    WECOM_API_BASE: apiBase,
  };
}
