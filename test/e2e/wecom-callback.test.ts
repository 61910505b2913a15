// End to end: encrypted callbacks made by an encryptor independent of the code under test go into the
// real app (real PostgreSQL or PGlite, real Redis, real workers), and a fake WeCom API on 127.0.0.1
// receives the replies — exactly once per message.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DB_KINDS } from '../helpers/db.ts';
import { startStack, waitFor, waitForQuiet, WECOM, type Stack } from '../helpers/stack.ts';
import { eventXml, makeCallback, makeEchoQuery, textMessageXml, toQueryString } from '../helpers/wecom-signer.ts';
import { helpFor, T } from '../../src/conversation/templates.ts';

const now = () => Math.floor(Date.now() / 1000);
let msgSeq = 4561255354251345000n;
const nextMsgId = () => String(++msgSeq);

function textCallback(content: string, opts: { from?: string; msgId?: string; timestamp?: string } = {}) {
  const xml = textMessageXml({ from: opts.from ?? 'zhangwei', content, msgId: opts.msgId ?? nextMsgId(), createTime: now(), corpId: WECOM.corpId, agentId: WECOM.agentId });
  return makeCallback({ ...WECOM, plaintextXml: xml, timestamp: opts.timestamp });
}

async function post(stack: Stack, cb: { query: Record<string, string>; body: string }, contentType = 'text/xml') {
  return fetch(`${stack.baseUrl}/wecom/callback?${toQueryString(cb.query)}`, { method: 'POST', headers: { 'content-type': contentType }, body: cb.body });
}

async function counts(stack: Stack) {
  const r = await sql<{ events: string; deliveries: string }>`select (select count(*) from inbound_events) as events, (select count(*) from deliveries) as deliveries`.execute(stack.deps.db.db);
  return { events: Number(r.rows[0]!.events), deliveries: Number(r.rows[0]!.deliveries) };
}

describe.each(DB_KINDS)('WeCom callback end to end on %s', (dbKind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dbKind, wecom: true, workers: true, overrides: { maxRateLimitWaitMs: 1_000 }, members: ['helpuser', 'dupuser', 'raceuser', 'idkeeper', 'tokenuser', 'limituser', 'clicker'] });
  });
  afterAll(async () => {
    await stack.close();
  });
  afterEach(() => {
    // Secrets and message content never reach the logs.
    const all = stack.logs.join('');
    for (const secret of [WECOM.secret, WECOM.encodingAESKey, 'access_token=', 'msg_signature']) expect(all).not.toContain(secret);
  });

  it('answers the URL verification GET with the decrypted echo', async () => {
    const { query, echo } = makeEchoQuery(WECOM);
    const res = await fetch(`${stack.baseUrl}/wecom/callback?${toQueryString(query)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(echo);
  });

  it('refuses a verification GET with a wrong signature', async () => {
    const { query } = makeEchoQuery(WECOM);
    const res = await fetch(`${stack.baseUrl}/wecom/callback?${toQueryString({ ...query, msg_signature: 'a'.repeat(40) })}`);
    expect(res.status).toBe(401);
  });

  it('stores, acknowledges with an empty 200, and the reply reaches WeCom once', async () => {
    const before = stack.fake!.sent.length;
    const res = await post(stack, textCallback('帮助', { from: 'helpuser' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const sent = await stack.fake!.waitForSent(before + 1);
    const reply = sent.find((m) => m.touser === 'helpuser')!;
    expect(reply.msgtype).toBe('text');
    expect(reply.body.text.content).toBe(helpFor('测试0号', ['member']));
  });

  it('a callback delivered three times yields one row, one job and one reply', async () => {
    const cb = textCallback('你好', { from: 'dupuser' });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(stack, cb)).status);
    expect(statuses).toEqual([200, 200, 200]);
    await stack.fake!.waitForSent(stack.fake!.sent.filter((m) => m.touser !== 'dupuser').length + 1);
    await waitForQuiet(stack);
    expect(stack.fake!.sent.filter((m) => m.touser === 'dupuser')).toHaveLength(1);
    const rows = await stack.deps.db.db.selectFrom('inbound_events').select('id').where('user_id', '=', 'dupuser').execute();
    expect(rows).toHaveLength(1);
  });

  it('two concurrent deliveries of one MsgId: one row, one reply', async () => {
    const cb = textCallback('并发', { from: 'raceuser' });
    const res = await Promise.all([post(stack, cb), post(stack, cb), post(stack, cb), post(stack, cb)]);
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await waitFor(() => stack.fake!.sent.some((m) => m.touser === 'raceuser'), 60_000, 'reply');
    await waitForQuiet(stack);
    expect(stack.fake!.sent.filter((m) => m.touser === 'raceuser')).toHaveLength(1);
  });

  it('keeps a 19-digit and a non-numeric MsgId exact', async () => {
    await post(stack, textCallback('a', { from: 'idkeeper', msgId: '4561255354251345929' }));
    await post(stack, textCallback('b', { from: 'idkeeper', msgId: 'CAIQg/PKxgYY2sC9tpuAgAMg9/zKaw==' }));
    const rows = await stack.deps.db.db.selectFrom('inbound_events').select(['dedupe_key', 'payload']).where('user_id', '=', 'idkeeper').orderBy('id').execute();
    expect(rows.map((r) => r.dedupe_key)).toEqual(['wecom-msg-4561255354251345929', 'wecom-msg-CAIQg/PKxgYY2sC9tpuAgAMg9/zKaw==']);
    expect((rows[0]!.payload as { msgId: string }).msgId).toBe('4561255354251345929');
  });

  it('an injected 42001 and a 45009 still yield exactly one delivery each', async () => {
    stack.fake!.inject('message/send', { errcode: 42001, times: 1 });
    await post(stack, textCallback('帮助', { from: 'tokenuser' }));
    await waitFor(() => stack.fake!.sent.some((m) => m.touser === 'tokenuser'), 60_000, 'reply after 42001');

    stack.fake!.inject('message/send', { errcode: 45009, times: 1 });
    // The stack caps the 45009 back-off at 1 s (production: the 60 s the error carries).
    await post(stack, textCallback('帮助', { from: 'limituser' }));
    await waitFor(() => stack.fake!.sent.some((m) => m.touser === 'limituser'), 60_000, 'reply after 45009');
    await waitForQuiet(stack);
    expect(stack.fake!.sent.filter((m) => m.touser === 'tokenuser')).toHaveLength(1);
    expect(stack.fake!.sent.filter((m) => m.touser === 'limituser')).toHaveLength(1);
    const d = await stack.deps.db.db.selectFrom('deliveries').selectAll().where('recipient', '=', 'limituser').executeTakeFirstOrThrow();
    expect(d.status).toBe('sent');
    // The rate-limit wait did not burn an attempt.
    expect(d.attempts).toBe(1);
  });

  it('menu clicks and enter_agent: welcome at most once per user per day', async () => {
    const click = makeCallback({ ...WECOM, plaintextXml: eventXml({ from: 'clicker', event: 'click', eventKey: 'todo', createTime: now(), corpId: WECOM.corpId }) });
    expect((await post(stack, click)).status).toBe(200);
    const enter1 = makeCallback({ ...WECOM, plaintextXml: eventXml({ from: 'clicker', event: 'enter_agent', eventKey: '', createTime: now(), corpId: WECOM.corpId }) });
    const enter2 = makeCallback({ ...WECOM, plaintextXml: eventXml({ from: 'clicker', event: 'enter_agent', eventKey: '', createTime: now() + 1, corpId: WECOM.corpId }) });
    await post(stack, enter1);
    await post(stack, enter2);
    await waitFor(() => stack.fake!.sent.filter((m) => m.touser === 'clicker').length >= 2, 10_000, 'click and welcome');
    await waitForQuiet(stack);
    const texts = stack.fake!.sent.filter((m) => m.touser === 'clicker').map((m) => m.body.text.content as string);
    expect(texts.filter((t) => t === T.welcome('测试6号'))).toHaveLength(1);
    expect(texts.some((t) => t.startsWith('您目前没有待办'))).toBe(true);
    const events = await stack.deps.db.db.selectFrom('inbound_events').select('status').where('user_id', '=', 'clicker').execute();
    expect(events.map((e) => e.status)).toEqual(['done', 'done', 'done']);
  });

  it('an account not in the roster gets a polite answer naming whom to ask, and nothing else', async () => {
    await post(stack, textCallback('今天和张三谈心了', { from: 'stranger' }));
    await waitFor(() => stack.fake!.sent.some((m) => m.touser === 'stranger'), 60_000, 'answer to stranger');
    const [answer] = stack.fake!.sent.filter((m) => m.touser === 'stranger');
    expect(answer!.body.text.content).toBe(T.unknownUser('stranger'));
    expect(answer!.body.text.content).toContain('党委组织部');
  });

  describe('refusals: status, and nothing stored', () => {
    const cases: Array<[string, () => { query: Record<string, unknown>; body: string; contentType?: string }, number]> = [
      ['missing signature', () => { const c = textCallback('x'); const { msg_signature: _s, ...q } = c.query; return { query: q, body: c.body }; }, 400],
      ['empty signature', () => { const c = textCallback('x'); return { query: { ...c.query, msg_signature: '' }, body: c.body }; }, 400],
      ['wrong signature, same length', () => { const c = textCallback('x'); return { query: { ...c.query, msg_signature: '0'.repeat(40) }, body: c.body }; }, 401],
      ['wrong signature, other length', () => { const c = textCallback('x'); return { query: { ...c.query, msg_signature: 'abc' }, body: c.body }; }, 401],
      ['timestamp 10 min stale', () => ({ ...textCallback('x', { timestamp: String(now() - 600) }) }), 401],
      ['timestamp 10 min in the future', () => ({ ...textCallback('x', { timestamp: String(now() + 600) }) }), 401],
      ['timestamp not a number', () => ({ ...textCallback('x', { timestamp: 'abc' }) }), 401],
      ['body changed by one byte', () => { const c = textCallback('x'); return { query: c.query, body: c.body.replace(/<Encrypt><!\[CDATA\[(.)/, (_m, ch) => `<Encrypt><![CDATA[${ch === 'A' ? 'B' : 'A'}`) }; }, 401],
      ['malformed XML', () => { const c = textCallback('x'); return { query: c.query, body: c.body.slice(0, -3) }; }, 400],
      ['billion laughs', () => { const c = textCallback('x'); return { query: c.query, body: `<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>${c.body}` }; }, 400],
      ['empty body', () => { const c = textCallback('x'); return { query: c.query, body: '' }; }, 400],
      ['wrong content type', () => ({ ...textCallback('x'), contentType: 'application/json' }), 415],
      ['oversized body', () => { const c = textCallback('x'); return { query: c.query, body: c.body.replace('</xml>', `<Pad>${'x'.repeat(70_000)}</Pad></xml>`) }; }, 413],
    ];
    it.each(cases)('%s', async (_name, make, status) => {
      const before = await counts(stack);
      const c = make();
      const qs = Object.entries(c.query).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
      const res = await fetch(`${stack.baseUrl}/wecom/callback?${qs}`, { method: 'POST', headers: { 'content-type': c.contentType ?? 'text/xml' }, body: c.body });
      expect(res.status).toBe(status);
      // WeCom reads no JSON: its refusals are a plain word; fastify's own (415, 413) stay JSON.
      if (status === 400 || status === 401) {
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(await res.text()).toBe(status === 401 ? 'unauthorized' : 'bad request');
      } else {
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      }
      expect(await counts(stack)).toEqual(before);
    });

    it('repeated signature parameter (array) is refused without a crash', async () => {
      const c = textCallback('x');
      const res = await fetch(`${stack.baseUrl}/wecom/callback?${toQueryString(c.query)}&msg_signature=${c.query.msg_signature}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: c.body });
      expect(res.status).toBe(400);
    });

    it('wrong method', async () => {
      const res = await fetch(`${stack.baseUrl}/wecom/callback`, { method: 'PUT', body: 'x' });
      expect(res.status).toBe(404);
    });

    it('a message encrypted for another corp is refused', async () => {
      const xml = textMessageXml({ from: 'u', content: 'x', msgId: nextMsgId(), createTime: now(), corpId: 'wwothercorp', agentId: WECOM.agentId });
      const c = makeCallback({ ...WECOM, corpId: 'wwothercorp', plaintextXml: xml });
      const before = await counts(stack);
      expect((await post(stack, c)).status).toBe(400);
      expect(await counts(stack)).toEqual(before);
    });
  });
});

describe('slow client', () => {
  it('a request whose body never completes is cut off at the request timeout, nothing stored', async () => {
    const { connect } = await import('node:net');
    const stack = await startStack({ wecom: true, env: { HTTP_REQUEST_TIMEOUT_MS: '500' } });
    try {
      const cb = textCallback('slow');
      const port = Number(new URL(stack.baseUrl).port);
      const answer = await new Promise<string>((resolve) => {
        const sock = connect(port, '127.0.0.1', () => {
          sock.write(`POST /wecom/callback?${toQueryString(cb.query)} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: ${cb.body.length}\r\n\r\n${cb.body.slice(0, 20)}`);
        });
        let data = '';
        sock.on('data', (d: Buffer) => (data += d.toString()));
        sock.on('close', () => resolve(data));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(await counts(stack)).toEqual({ events: 0, deliveries: 0 });
    } finally {
      await stack.close();
    }
  });
});
