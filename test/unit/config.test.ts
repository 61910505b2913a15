import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';
import { SAMPLE_WECOM_ENV } from '../helpers/env.ts';

const WECOM_ENV = SAMPLE_WECOM_ENV;

describe('config', () => {
  it('defaults: embedded database, local Redis, local mode', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ databaseUrl: undefined, redisUrl: 'redis://127.0.0.1:6379', host: '127.0.0.1', port: 3000, timezone: 'Asia/Shanghai', logLevel: 'info', wecom: undefined, adminToken: undefined });
  });

  it('WeCom configured in full, API base defaulting to qyapi', () => {
    expect(loadConfig(WECOM_ENV).wecom).toMatchObject({ corpId: 'ww1', agentId: '1000002', apiBase: 'https://qyapi.weixin.qq.com' });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ APP_TIMEZONE: 'Mars/Olympus' }, 'APP_TIMEZONE'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ ...WECOM_ENV, WECOM_ENCODING_AES_KEY: 'a'.repeat(42) }, 'WECOM_ENCODING_AES_KEY'],
    [{ ...WECOM_ENV, WECOM_ENCODING_AES_KEY: 'a'.repeat(44) }, 'WECOM_ENCODING_AES_KEY'],
    [{ ...WECOM_ENV, WECOM_AGENT_ID: 'abc' }, 'WECOM_AGENT_ID'],
    [{ WECOM_CORP_ID: 'ww1' }, 'missing: WECOM_AGENT_ID, WECOM_SECRET, WECOM_TOKEN, WECOM_ENCODING_AES_KEY'],
  ])('refuses %o naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('TRUST_PROXY: addresses, CIDRs and the named ranges; never everyone', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
    for (const bad of ['true', '*', '1', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/8']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY must list/);
    }
  });

  it('names every bad variable in one message', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT[\s\S]*LOG_LEVEL/);
  });
});
