// Issue 8.1: local mode is safe by default — loopback only, a foreign Host or Origin refused, and never started
// by accident on a production database.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, platformRefusal } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';
import { startStack, type Stack } from '../helpers/stack.ts';
import { runEntry } from '../helpers/processes.ts';
import { SAMPLE_WECOM_ENV, TEST_REDIS_URL } from '../helpers/env.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { buildDeps } from '../../src/deps.ts';
import { memoryLogger } from '../helpers/stack.ts';

const WECOM_ENV = SAMPLE_WECOM_ENV;

describe('configuration', () => {
  it('local mode listens on loopback unless LOCAL_MODE_HOST says otherwise; WeCom keeps HOST', () => {
    expect(loadConfig({})).toMatchObject({ platform: 'local', host: '127.0.0.1', localModeExposed: false });
    expect(loadConfig({ HOST: '0.0.0.0' })).toMatchObject({ platform: 'local', host: '127.0.0.1', ignoredHost: '0.0.0.0' });
    expect(loadConfig({ LOCAL_MODE_HOST: '0.0.0.0' })).toMatchObject({ host: '0.0.0.0', localModeExposed: true });
    expect(loadConfig({ LOCAL_MODE_HOST: '192.168.1.20' })).toMatchObject({ host: '192.168.1.20', localModeExposed: true, localAllowedHosts: ['192.168.1.20'] });
    expect(loadConfig({ LOCAL_MODE_HOST: '::1' })).toMatchObject({ localModeExposed: false });
    expect(loadConfig(WECOM_ENV)).toMatchObject({ platform: 'wecom', host: '0.0.0.0' });
  });

  it('no platform on a production database is refused, naming what is missing; PLATFORM=local allows it', () => {
    const url = { DATABASE_URL: 'postgres://x@127.0.0.1/db' };
    expect(platformRefusal(loadConfig(url))).toMatch(/WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET, WECOM_TOKEN, WECOM_ENCODING_AES_KEY.*PLATFORM=local/);
    expect(platformRefusal(loadConfig({ NODE_ENV: 'production' }))).toMatch(/NODE_ENV=production/);
    expect(platformRefusal(loadConfig({ ...url, PLATFORM: 'local' }))).toBeUndefined();
    expect(platformRefusal(loadConfig({ ...url, ...WECOM_ENV }))).toBeUndefined();
    expect(platformRefusal(loadConfig({}))).toBeUndefined();
    expect(() => loadConfig({ PLATFORM: 'wechat' })).toThrow(/PLATFORM must be wecom, dingtalk, local or a list/);
    expect(() => loadConfig({ PLATFORM: 'wecom' })).toThrow(/PLATFORM=wecom needs WECOM_CORP_ID/);
    expect(() => loadConfig({ PLATFORM: 'local', ...WECOM_ENV })).toThrow(/PLATFORM=local but the WECOM_\* variables are set/);
  });

  it('ADMIN_TOKEN shorter than 32 characters is refused', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: 'secret' })).toThrow(/ADMIN_TOKEN must be at least 32 characters \(got 6\)/);
    expect(loadConfig({ ADMIN_TOKEN: 'x'.repeat(32) }).adminToken).toBe('x'.repeat(32));
  });
});

describe('the process', () => {
  it('refuses to start without a platform when DATABASE_URL is set, and says what to set', async () => {
    const db = await createTestDatabase('postgres', { migrate: false });
    try {
      const p = runEntry(['src/main.ts'], { REDIS_URL: TEST_REDIS_URL, DATABASE_URL: db.url! });
      expect(await p.exited).toBe(1);
      expect(p.output()).toMatch(/No chat platform is configured but DATABASE_URL is set: set WECOM_CORP_ID.*PLATFORM=local/);
      // Nothing was created in the database: the refusal comes before migrations.
      const tables = await db.db.introspection.getTables();
      expect(tables.map((t) => t.name)).not.toContain('deliveries');
    } finally {
      await db.drop();
    }
  });
});

describe('the local web chat', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('binds to 127.0.0.1 by default', async () => {
    const db = await createTestDatabase('pglite');
    const { log } = memoryLogger();
    const deps = await buildDeps({ ...loadConfig({ REDIS_URL: TEST_REDIS_URL }), port: 0 }, { log, db, queuePrefix: `pclm${Date.now().toString(36)}` });
    const app = await startServer(deps);
    try {
      expect((app.server.address() as { address: string }).address).toBe('127.0.0.1');
    } finally {
      await app.close();
      await deps.close();
      await db.drop();
    }
  });

  it('refuses a foreign Host header (DNS rebinding) or Origin, accepts loopback names', async () => {
    stack = await startStack({ members: ['zhangsan'] });
    const get = (headers: Record<string, string>) => stack!.app.inject({ method: 'GET', url: '/local/users', headers });
    for (const host of ['evil.example', 'evil.example:3000', '10.0.0.5:3000', '127.0.0.1.evil.example']) {
      const res = await get({ host });
      expect(res.statusCode, host).toBe(403);
      expect(res.body).not.toContain('zhangsan');
    }
    expect((await get({ host: '127.0.0.1:3000', origin: 'http://evil.example' })).statusCode).toBe(403);
    expect((await get({ host: '127.0.0.1:3000', origin: 'null' })).statusCode).toBe(403);
    const post = await stack.app.inject({ method: 'POST', url: '/local/messages', headers: { host: 'evil.example' }, payload: { userId: 'zhangsan', text: '帮助' } });
    expect(post.statusCode).toBe(403);
    expect(await stack.deps.db.db.selectFrom('inbound_events').select('id').execute()).toEqual([]);
    for (const host of ['127.0.0.1:3000', 'localhost:3000', 'localhost', '[::1]:3000']) {
      expect((await get({ host, origin: `http://${host}` })).statusCode, host).toBe(200);
    }
  });

  it('accepts the host named by LOCAL_MODE_HOST or LOCAL_MODE_ALLOWED_HOSTS', async () => {
    stack = await startStack({ members: ['zhangsan'], env: { LOCAL_MODE_ALLOWED_HOSTS: 'bot.intranet.example' } });
    expect((await stack.app.inject({ method: 'GET', url: '/local/users', headers: { host: 'bot.intranet.example:3000' } })).statusCode).toBe(200);
    expect((await stack.app.inject({ method: 'GET', url: '/local/users', headers: { host: 'other.example' } })).statusCode).toBe(403);
  });
});
