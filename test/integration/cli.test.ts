// The CLI as a process against the fake WeCom API: results on stdout, logs on stderr, exit codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { startFakeWecom, type FakeWecom } from '../helpers/fake-wecom.ts';
import { cleanRedisPrefix, WECOM, wecomEnv } from '../helpers/stack.ts';
import { runEntryToExit } from '../helpers/processes.ts';

const cli = (args: string[], env: Record<string, string>) => runEntryToExit(['src/cli.ts', ...args], env);

let fake: FakeWecom;
let db: TestDb;
let env: Record<string, string>;
beforeAll(async () => {
  fake = await startFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId });
  db = await createTestDatabase('postgres');
  env = {
    DATABASE_URL: db.url!,
    REDIS_URL: TEST_REDIS_URL,
    ...wecomEnv(fake.baseUrl),
    // Its own Redis keys: the token cache is shared by prefix, and other test files run fakes of the same app.
    QUEUE_PREFIX: `pccli${process.pid}`,
  };
});
afterAll(async () => {
  await cleanRedisPrefix(`pccli${process.pid}`);
  await fake.close();
  await db.drop();
});

describe('cli', () => {
  it('menu-sync creates the menu through menu/create', async () => {
    const r = await cli(['menu-sync'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('menu created for agent 1000002');
    expect(fake.menus).toHaveLength(1);
    expect(JSON.stringify(fake.menus[0])).toContain('我的待办');
  });

  it('send-test delivers one message and records it', async () => {
    const r = await cli(['send-test', 'zhangwei', '你好', '世界'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sent to zhangwei via wecom/);
    const sent = fake.sent.filter((m) => m.touser === 'zhangwei');
    expect(sent.map((m) => m.body.text.content)).toEqual(['你好 世界']);
    const row = await db.db.selectFrom('deliveries').selectAll().where('recipient', '=', 'zhangwei').executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');
  });

  it('send-test reports a WeCom error and exits non-zero', async () => {
    fake.inject('message/send', { errcode: 60020, times: 1 });
    const r = await cli(['send-test', 'lisi', 'x'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('60020');
    expect(r.stderr).not.toContain(WECOM.secret);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['send-test'], env)).code).toBe(2);
    expect((await cli(['no-such-command'], env)).code).toBe(2);
  });

  it('menu-sync in local mode prints the menu without calling anything', async () => {
    const r = await cli(['menu-sync'], { REDIS_URL: TEST_REDIS_URL, DATABASE_URL: db.url! });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('local mode');
  });
});
