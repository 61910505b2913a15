// Issue 17 §3: /metrics in Prometheus format behind ADMIN_TOKEN (404 without one), the METRICS_PORT listener, the
// counters moving after one signed WeCom callback, and the queue board at /admin/queues — never open: ADMIN_TOKEN
// or an OD member's dashboard session only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { DashboardSignIn } from '../../src/dashboard/sign-in.ts';
import { startMetricsListener } from '../../src/ops/metrics-listener.ts';
import { startStack, waitFor, waitForQuiet, WECOM, type Stack } from '../helpers/stack.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { wecomChat } from '../helpers/wecom-chat.ts';
import { makeCallback, textMessageXml, toQueryString } from '../helpers/wecom-signer.ts';
import { sql } from 'kysely';

const TOKEN = 'metrics-test-admin-token-0123456789abcdef';
const bearer = { authorization: `Bearer ${TOKEN}` };

/** Sums the samples of one metric in the text format whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) sum += Number(m[4]);
  }
  return sum;
}

describe('metrics and the queue board', () => {
  let stack: Stack;
  const clock = () => new Date();

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN } });
    await importCareRoster(stack.db.db);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const scrape = async () => {
    const res = await fetch(`${stack.baseUrl}/metrics`, { headers: bearer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('/metrics is refused without the admin token, and absent (404) where no ADMIN_TOKEN is set', async () => {
    const none = await fetch(`${stack.baseUrl}/metrics`);
    expect(none.status).toBe(401);
    expect(await none.text()).not.toContain('partycare_');
    const wrong = await fetch(`${stack.baseUrl}/metrics`, { headers: { authorization: 'Bearer not-the-token-not-the-token-000000' } });
    expect(wrong.status).toBe(401);

    const text = await scrape();
    for (const name of ['partycare_queue_depth', 'partycare_queue_oldest_waiting_seconds', 'partycare_callbacks_received_total', 'partycare_deliveries_sent_total', 'partycare_platform_api_seconds', 'partycare_sweep_duration_seconds', 'partycare_relay_reenqueued_total', 'partycare_access_token_refreshes_total', 'partycare_deliveries_unfinished', 'partycare_deliveries_overdue']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toMatch(/^partycare_queue_depth\{queue="inbound",state="waiting"\} \d+$/m);

    const tokenless = await buildApp({ ...stack.deps, config: { ...stack.deps.config, adminToken: undefined } });
    try {
      expect((await tokenless.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      expect((await tokenless.inject({ method: 'GET', url: '/metrics', headers: bearer })).statusCode).toBe(404);
    } finally {
      await tokenless.close();
    }
  });

  it('the METRICS_PORT listener asks for the token when one is set; without one it serves its loopback address', async () => {
    const guarded = await startMetricsListener(stack.deps, 0, '127.0.0.1');
    const open = await startMetricsListener({ ...stack.deps, config: { ...stack.deps.config, adminToken: undefined } }, 0, '127.0.0.1');
    try {
      const url = `http://127.0.0.1:${guarded.port}/metrics`;
      const refused = await fetch(url);
      expect(refused.status).toBe(401);
      expect(await refused.text()).not.toContain('partycare_');
      const ok = await fetch(url, { headers: bearer });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('# TYPE partycare_deliveries_sent_total counter');
      expect((await fetch(`http://127.0.0.1:${guarded.port}/other`, { headers: bearer })).status).toBe(404);
      const plain = await fetch(`http://127.0.0.1:${open.port}/metrics`);
      expect(plain.status).toBe(200);
      expect(await plain.text()).toContain('partycare_queue_depth');
    } finally {
      await guarded.close();
      await open.close();
    }
  });

  it('one signed WeCom callback moves the callback, delivery, API latency and token counters; a bad signature is counted by its code', async () => {
    const before = await scrape();
    const route = { platform: 'wecom', route: '/wecom/callback' };
    const chat = wecomChat(() => stack, clock, 7_100_000_000n);
    const replies = await chat.say('wushengri', '帮助');
    expect(replies.length).toBeGreaterThan(0);
    await waitForQuiet(stack);
    const after = await scrape();
    expect(sample(after, 'partycare_callbacks_received_total', route) - sample(before, 'partycare_callbacks_received_total', route)).toBe(1);
    expect(sample(after, 'partycare_deliveries_sent_total', { platform: 'wecom' }) - sample(before, 'partycare_deliveries_sent_total', { platform: 'wecom' })).toBe(replies.length);
    const sends = { platform: 'wecom', api: 'message/send', outcome: 'answered' };
    expect(sample(after, 'partycare_platform_api_seconds_count', sends) - sample(before, 'partycare_platform_api_seconds_count', sends)).toBe(replies.length);
    expect(sample(after, 'partycare_access_token_refreshes_total', { platform: 'wecom', api: 'gettoken' })).toBeGreaterThanOrEqual(1);

    // A callback whose signature does not hold: refused (401), counted under the error's code.
    const cb = makeCallback({ ...WECOM, plaintextXml: textMessageXml({ from: 'wushengri', content: '帮助', msgId: '7199999999', createTime: Math.floor(Date.now() / 1000), corpId: WECOM.corpId, agentId: WECOM.agentId }), timestamp: String(Math.floor(Date.now() / 1000)) });
    const res = await fetch(`${stack.baseUrl}/wecom/callback?${toQueryString({ ...cb.query, msg_signature: '0'.repeat(40) })}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: cb.body });
    expect(res.status).toBe(401);
    const refused = await scrape();
    expect(sample(refused, 'partycare_callbacks_refused_total', route) - sample(after, 'partycare_callbacks_refused_total', route)).toBe(1);
    expect(refused).toMatch(/^partycare_callbacks_refused_total\{platform="wecom",route="\/wecom\/callback",code="[a-z_]+"\} 1$/m);
    expect(sample(refused, 'partycare_callbacks_received_total', route) - sample(after, 'partycare_callbacks_received_total', route)).toBe(1);
  });

  it('a correlation id (the message id) is in the log lines of the callback, the inbound job and the delivery, and on the delivery row', async () => {
    const chat = wecomChat(() => stack, clock, 7_200_000_000n);
    const from = stack.logs.length;
    // A second chat counts the fake's messages from the start: only that an answer came is asked of it here.
    expect((await chat.say('wushengri', '帮助')).length).toBeGreaterThan(0);
    await waitForQuiet(stack);
    const cid = 'wecom-msg-7200000001';
    const rows = await stack.db.db.selectFrom('deliveries').select('correlation_id').where('correlation_id', '=', cid).execute();
    expect(rows.length).toBeGreaterThan(0);
    const lines = stack.logs.slice(from).map((l) => JSON.parse(l) as { cid?: string; msg: string });
    const about = lines.filter((l) => l.cid === cid).map((l) => l.msg);
    expect(about).toContain('inbound event received');
    expect(about).toContain('inbound event handled');
    expect(about.filter((m) => m === 'delivery sent')).toHaveLength(rows.length);
    // Nothing else this message caused was logged without it.
    expect(lines.filter((l) => ['inbound event received', 'inbound event handled', 'delivery sent'].includes(l.msg) && l.cid !== cid)).toEqual([]);
  });

  describe('the queue board', () => {
    const signIn = () => new DashboardSignIn(stack.deps.db.db, stack.deps.clock, stack.deps.config.sessionSecret);
    const sessionCookieOf = async (userid: string) => {
      const id = (await sql<{ id: string }>`select id::text as id from members where userid = ${userid}`.execute(stack.db.db)).rows[0]!.id;
      const s = signIn();
      return s.signCookie((await s.startSession(id, 'link')).token);
    };

    it('is refused without credentials, with a wrong token, and for a session that is not the OD: no board page', async () => {
      for (const url of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues']) {
        const res = await fetch(`${stack.baseUrl}${url}`, { redirect: 'manual' });
        expect(res.status, url).toBe(401);
        const body = await res.text();
        expect(body).not.toMatch(/<html|bull/i);
      }
      expect((await fetch(`${stack.baseUrl}/admin/queues/`, { headers: { authorization: 'Bearer wrong-wrong-wrong-wrong-wrong-wrong' } })).status).toBe(401);

      // A GB secretary signed in to the dashboard: not handed the board, and their session refused on its path.
      const gb = await sessionCookieOf('sunzongzhi');
      const hand = await fetch(`${stack.baseUrl}/dashboard/queues`, { headers: { cookie: `pc_session=${gb}` }, redirect: 'manual' });
      expect(hand.status).toBe(403);
      expect(hand.headers.get('set-cookie')).toBeNull();
      const direct = await fetch(`${stack.baseUrl}/admin/queues/`, { headers: { cookie: `pc_board=${gb}` } });
      expect(direct.status).toBe(403);
      expect(await direct.text()).not.toMatch(/<html/i);
      // No session at all: back to the dashboard's sign-in.
      const anonymous = await fetch(`${stack.baseUrl}/dashboard/queues`, { redirect: 'manual' });
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get('set-cookie')).toBeNull();
    });

    it('opens with the admin token (the page and its API) and for an OD member signed in to the dashboard', async () => {
      const page = await fetch(`${stack.baseUrl}/admin/queues/`, { headers: bearer });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      const api = await fetch(`${stack.baseUrl}/admin/queues/api/queues?activeQueue=inbound&page=1&jobsPerPage=10`, { headers: bearer });
      expect(api.status).toBe(200);
      const names = ((await api.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort();
      expect(names).toEqual(['inbound', 'outbound', 'sweep']);

      const od = await sessionCookieOf('zhaozuzhi');
      const hand = await fetch(`${stack.baseUrl}/dashboard/queues`, { headers: { cookie: `pc_session=${od}` }, redirect: 'manual' });
      expect(hand.status).toBe(303);
      expect(hand.headers.get('location')).toBe('/admin/queues/');
      const setCookie = hand.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^pc_board=[^;]+;/);
      expect(setCookie).toContain('Path=/admin/queues');
      expect(setCookie).toContain('HttpOnly');
      expect(setCookie).toContain('SameSite=Strict');
      const cookie = setCookie.split(';')[0]!;
      const board = await fetch(`${stack.baseUrl}/admin/queues/`, { headers: { cookie } });
      expect(board.status).toBe(200);
      expect(await board.text()).toMatch(/<html/i);
      expect((await fetch(`${stack.baseUrl}/admin/queues/api/queues?page=1`, { headers: { cookie } })).status).toBe(200);
      // The session ended (signed out): the board's copy of it opens nothing either.
      const token = await signIn().unsignCookie(cookie.slice('pc_board='.length));
      const viewer = await signIn().viewerOf(token!);
      await signIn().endSession(viewer!.sessionHash);
      await waitFor(async () => (await fetch(`${stack.baseUrl}/admin/queues/`, { headers: { cookie } })).status === 401, 5_000, 'the ended session to be refused');
    });
  });
});
