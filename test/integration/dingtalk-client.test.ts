// DingTalk outbound client and its two Redis-shared tokens against real Redis and the fake DingTalk server
// (wecom-protocol.md §5.4): robot one-to-one and work notifications, group messages, action cards whose
// buttons come back as card actions, error kinds, recipient limits and the same-day identical-content drop.

import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlatformSendError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { decodeCardAction } from '../../src/platforms/dingtalk/card-action.ts';
import { DingtalkClient, invisibleRef, markdownTitle } from '../../src/platforms/dingtalk/client.ts';
import type { DingtalkSendVia } from '../../src/platforms/dingtalk/config.ts';
import { dingtalkTokens } from '../../src/platforms/dingtalk/token-cache.ts';
import type { Card, OutboundMessage } from '../../src/platforms/types.ts';
import { sendFailure } from '../../workers/send-failure.ts';
import { startFakeDingtalk, type FakeDingtalk } from '../helpers/fake-dingtalk.ts';

const APP_KEY = 'dingfakeappkey0001';
const APP_SECRET = 'DtS3cret-do-not-log-0123456789abcdefghijklmnop';
const ROBOT_CODE = APP_KEY;
const AGENT_ID = '3000000001';

// Two connections stand in for two processes sharing one Redis.
let redisA: Redis;
let redisB: Redis;
let fake: FakeDingtalk;
let prefix: string;

beforeAll(() => {
  redisA = new Redis({ host: '127.0.0.1', port: 6379 });
  redisB = new Redis({ host: '127.0.0.1', port: 6379 });
});

afterAll(async () => {
  await redisA.quit();
  await redisB.quit();
});

beforeEach(async () => {
  prefix = `test:dtsend:${randomBytes(6).toString('hex')}:`;
  fake = await startFakeDingtalk({ appKey: APP_KEY, appSecret: APP_SECRET, robotCode: ROBOT_CODE, agentId: AGENT_ID });
});

afterEach(async () => {
  await fake.close();
  const keys = await redisA.keys(`${prefix}*`);
  if (keys.length > 0) await redisA.del(...keys);
});

function tokens(redis = redisA, appSecret = APP_SECRET) {
  return dingtalkTokens({ redis, appKey: APP_KEY, appSecret, apiBase: fake.baseUrl, oapiBase: fake.baseUrl, keyPrefix: prefix });
}

function client(sendVia: DingtalkSendVia, opts: { redis?: Redis; log?: ReturnType<typeof capturedLog>['log']; fetchTimeoutMs?: number } = {}): DingtalkClient {
  return new DingtalkClient({
    config: { appSecret: APP_SECRET, robotCode: ROBOT_CODE, agentId: AGENT_ID, sendVia, apiBase: fake.baseUrl, oapiBase: fake.baseUrl },
    tokens: tokens(opts.redis),
    log: opts.log,
    fetchTimeoutMs: opts.fetchTimeoutMs ?? 2_000,
  });
}

/** A real logger writing JSON lines into an array. */
function capturedLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

/** Awaits a rejection and returns it as a PlatformSendError (fails the test if it is anything else). */
async function sendError(p: Promise<unknown>): Promise<PlatformSendError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformSendError);
  return err as PlatformSendError;
}

/** What the outbound worker does with a failure on a job's first of five attempts. */
function workerNext(err: PlatformSendError): 'wait' | 'fail' | 'retry' {
  return sendFailure(err, { attemptsMade: 0, opts: { attempts: 5 } } as unknown as Job).next;
}

const card: Card = {
  taskId: 'ob_42_20261130',
  title: '谈心谈话提醒',
  description: '本月还未与张伟谈心',
  fields: [['对象', '张伟'], ['截止', '12月5日']],
  note: '谈完后点「已完成」即可登记',
  buttons: [
    { text: '已完成', actionKey: 'obdone-42', style: 'primary' },
    { text: '延期', actionKey: 'obdefer-42', style: 'secondary' },
  ],
};
const text: OutboundMessage = { type: 'text', content: '今天是王芳同志的政治生日' };
const markdown: OutboundMessage = { type: 'markdown', content: '### 本月待办\n- 谈心谈话 2 项\n- 走访 1 项' };

describe('DingTalk tokens', () => {
  it('two processes, 20 concurrent callers: one gettoken and one oauth2/accessToken, cached for 7200 − 300 s', async () => {
    const a = tokens(redisA);
    const b = tokens(redisB);
    const got = await Promise.all(Array.from({ length: 20 }, (_, i) => [(i % 2 === 0 ? a : b).oapi.get(), (i % 2 === 0 ? a : b).api.get()]).flat());
    expect(fake.calls.gettoken).toBe(1);
    expect(fake.calls['oauth2/accessToken']).toBe(1);
    expect(new Set(got).size).toBe(2);
    const ttl = await redisA.ttl(`${prefix}dingtalk:token:${APP_KEY}:api`);
    expect(ttl).toBeGreaterThan(6800);
    expect(ttl).toBeLessThanOrEqual(6900);
  });

  it('two clients in two processes sending at once fetch each token once', async () => {
    const a = client('robot', { redis: redisA });
    const b = client('robot', { redis: redisB });
    await Promise.all([a.send('zhangsan', text), b.send('lisi', text), a.send('lisi', markdown), b.send('zhangsan', markdown)]);
    expect(fake.calls['oauth2/accessToken']).toBe(1);
    expect(fake.sent).toHaveLength(4);
  });

  it('a token DingTalk stopped accepting is refreshed once and the message still goes, in both modes', async () => {
    const robot = client('robot');
    const notify = client('work_notification');
    await robot.send('zhangsan', text);
    await notify.send('zhangsan', text, { deliveryRef: 'd1' });
    fake.expireTokens();
    await robot.send('zhangsan', markdown);
    await notify.send('zhangsan', markdown, { deliveryRef: 'd2' });
    expect(fake.calls['oauth2/accessToken']).toBe(2);
    expect(fake.calls.gettoken).toBe(2);
    expect(fake.sent.map((m) => m.api)).toEqual(['robot', 'work_notification', 'robot', 'work_notification']);
  });

  it('a token rejected twice → retry, with one refresh only', async () => {
    const robot = client('robot');
    fake.inject('oToMessages/batchSend', { code: 'InvalidAuthentication', httpStatus: 401, times: 2 });
    const err = await sendError(robot.send('zhangsan', text));
    expect(err.kind).toBe('retry');
    expect(fake.calls['oauth2/accessToken']).toBe(2);
    expect(fake.sent).toHaveLength(0);
  });

  it('a wrong app secret → fatal without the secret in the message; other processes hold off', async () => {
    const wrong = 'wrong-DtSecret-987654321';
    for (const which of ['oapi', 'api'] as const) {
      const err = await sendError(tokens(redisA, wrong)[which].get());
      expect(err.kind).toBe('fatal');
      expect(err.message).not.toContain(wrong);
      const again = await sendError(tokens(redisB, wrong)[which].get());
      expect(again.kind).toBe('fatal');
    }
    expect(fake.calls.gettoken).toBe(1);
    expect(fake.calls['oauth2/accessToken']).toBe(1);
    // The corrected secret works at once.
    await expect(tokens(redisB).api.get()).resolves.toEqual(expect.any(String));
  });
});

describe('DingtalkClient: robot one-to-one (oToMessages/batchSend)', () => {
  it('text → sampleText, markdown → sampleMarkdown with a title, card → sampleActionCard2 whose buttons decode as card actions', async () => {
    const robot = client('robot');
    expect(robot.platform).toBe('dingtalk');
    expect(robot.maxRecipientsPerSend).toBe(20);
    const sent = await robot.send('zhangsan', text);
    expect(sent.platformMsgId).toMatch(/^pqk-/);
    await robot.send('zhangsan', markdown);
    await robot.send('zhangsan', { type: 'card', card });

    const [t, m, c] = fake.sent;
    expect(t).toMatchObject({ api: 'robot', userIds: ['zhangsan'], text: '今天是王芳同志的政治生日', raw: { robotCode: ROBOT_CODE, msgKey: 'sampleText' } });
    expect(m!.raw).toMatchObject({ msgKey: 'sampleMarkdown', msgParam: { title: '本月待办', text: '### 本月待办\n- 谈心谈话 2 项\n- 走访 1 项' } });
    expect(c!.raw.msgKey).toBe('sampleActionCard2');
    expect(c!.text).toContain('谈心谈话提醒');
    expect(c!.text).toContain('**对象**：张伟');
    expect(c!.text).toContain('谈完后点「已完成」即可登记');
    expect(c!.buttons.map((b) => b.title)).toEqual(['已完成', '延期']);
    expect(c!.buttons.map((b) => decodeCardAction(APP_SECRET, b.content))).toEqual([
      { taskId: card.taskId, actionKey: 'obdone-42', text: '已完成' },
      { taskId: card.taskId, actionKey: 'obdefer-42', text: '延期' },
    ]);
  });

  it('one button → sampleActionCard (single); six → sampleActionCard5 and the sixth as a link in the text', async () => {
    const robot = client('robot');
    await robot.send('zhangsan', { type: 'card', card: { ...card, buttons: [card.buttons[0]!] } });
    const six = Array.from({ length: 6 }, (_, i) => ({ text: `候选${i + 1}`, actionKey: `pick-${i + 1}`, style: 'primary' as const }));
    await robot.send('zhangsan', { type: 'card', card: { ...card, buttons: six } });
    expect(fake.sent[0]!.raw.msgKey).toBe('sampleActionCard');
    expect(decodeCardAction(APP_SECRET, fake.sent[0]!.buttons[0]!.content)?.actionKey).toBe('obdone-42');
    expect(fake.sent[1]!.raw.msgKey).toBe('sampleActionCard5');
    expect(fake.sent[1]!.buttons.map((b) => decodeCardAction(APP_SECRET, b.content)?.actionKey)).toEqual(six.map((b) => b.actionKey));
  });

  it('an invalid user → fatal; a flow-controlled user → rate_limited (parked), not sent', async () => {
    fake.invalidUsers.add('ghost');
    fake.flowControlledUsers.add('busy');
    const robot = client('robot');
    const invalid = await sendError(robot.send('ghost', text));
    expect(invalid.kind).toBe('fatal');
    const limited = await sendError(robot.send('busy', text));
    expect(limited.kind).toBe('rate_limited');
    expect(limited.delayMs).toBe(60_000);
    expect(workerNext(limited)).toBe('wait');
    expect(fake.sent).toHaveLength(0);
  });

  it('sendMany: invalid ids in invalidUserIds, flow-controlled ones in deferredUserIds; all limited → rate_limited', async () => {
    fake.invalidUsers.add('ghost');
    fake.flowControlledUsers.add('busy');
    const robot = client('robot');
    const r = await robot.sendMany(['zhangsan', 'ghost', 'busy', 'lisi'], text);
    expect(r.invalidUserIds).toEqual(['ghost']);
    expect(r.deferredUserIds).toEqual(['busy']);
    expect(fake.sent[0]!.userIds).toEqual(['zhangsan', 'lisi']);
    const none = await sendError(robot.sendMany(['busy', 'ghost'], text));
    expect(none.kind).toBe('rate_limited');
  });

  it('at most 20 per call: 20 go in one call, 21 are refused before calling', async () => {
    const robot = client('robot');
    const users = Array.from({ length: 21 }, (_, i) => `u${i}`);
    await robot.sendMany(users.slice(0, 20), text);
    expect(fake.calls['oToMessages/batchSend']).toBe(1);
    expect(fake.sent[0]!.userIds).toHaveLength(20);
    await expect(robot.sendMany(users, text)).rejects.toThrow(RangeError);
    expect(fake.calls['oToMessages/batchSend']).toBe(1);
  });

  it('api.dingtalk.com Throttling and HTTP 429 → rate_limited; 5xx → retry; IpNotInWhiteList → fatal with an error log', async () => {
    const { log, lines } = capturedLog();
    const robot = client('robot', { log });
    fake.inject('oToMessages/batchSend', { code: 'Throttling.Api', httpStatus: 403 });
    const throttled = await sendError(robot.send('zhangsan', text));
    expect(throttled.kind).toBe('rate_limited');
    expect(workerNext(throttled)).toBe('wait');
    fake.inject('oToMessages/batchSend', { httpStatus: 429 });
    expect((await sendError(robot.send('zhangsan', text))).kind).toBe('rate_limited');
    fake.inject('oToMessages/batchSend', { httpStatus: 503 });
    expect((await sendError(robot.send('zhangsan', text))).kind).toBe('retry');
    fake.inject('oToMessages/batchSend', { code: 'Forbidden.AccessDenied.IpNotInWhiteList', httpStatus: 403 });
    const ip = await sendError(robot.send('zhangsan', text));
    expect(ip.kind).toBe('fatal');
    expect(workerNext(ip)).toBe('fail');
    expect(lines.filter((l) => l.level === 50)).toEqual([expect.objectContaining({ code: 'Forbidden.AccessDenied.IpNotInWhiteList', msg: expect.stringContaining('服务器出口IP') })]);
  });
});

describe('DingtalkClient: work notifications (asyncsend_v2)', () => {
  it('text, markdown and action_card with agent_id and userid_list; the card\'s buttons decode as card actions', async () => {
    const notify = client('work_notification');
    expect(notify.maxRecipientsPerSend).toBe(100);
    const r = await notify.sendMany(['zhangsan', 'lisi'], text, { deliveryRef: 'b1' });
    expect(r).toEqual({ result: { platformMsgId: expect.stringMatching(/^\d+$/) }, invalidUserIds: [] });
    await notify.send('zhangsan', markdown, { deliveryRef: 'd2' });
    await notify.send('zhangsan', { type: 'card', card }, { deliveryRef: 'd3' });

    const [t, m, c] = fake.sent;
    expect(t).toMatchObject({ api: 'work_notification', userIds: ['zhangsan', 'lisi'], text: '今天是王芳同志的政治生日' });
    expect(t!.raw).toMatchObject({ agent_id: Number(AGENT_ID), userid_list: 'zhangsan,lisi', msg: { msgtype: 'text' } });
    expect(m!.raw.msg).toMatchObject({ msgtype: 'markdown', markdown: { title: '本月待办' } });
    expect(c!.raw.msg).toMatchObject({ msgtype: 'action_card', action_card: { title: '谈心谈话提醒', btn_orientation: '1' } });
    expect(c!.buttons.map((b) => decodeCardAction(APP_SECRET, b.content)?.actionKey)).toEqual(['obdone-42', 'obdefer-42']);
  });

  it('six buttons with long task ids: as many as btn_json_list\'s 1,000 characters allow, the rest as links; all decode', async () => {
    const notify = client('work_notification');
    const six = Array.from({ length: 6 }, (_, i) => ({ text: `候选人员${i + 1}`, actionKey: `pick-${1000 + i}-${20261130}`, style: 'primary' as const }));
    const long: Card = { ...card, taskId: `pick-${'9'.repeat(60)}`, buttons: six };
    await notify.send('zhangsan', { type: 'card', card: long }, { deliveryRef: 'six' });
    const [m] = fake.sent;
    const listed = m!.raw.msg.action_card.btn_json_list as unknown[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThan(6);
    expect(JSON.stringify(listed).length).toBeLessThanOrEqual(1_000);
    expect(m!.buttons.map((b) => decodeCardAction(APP_SECRET, b.content))).toEqual(six.map((b) => ({ taskId: long.taskId, actionKey: b.actionKey, text: b.text })));
  });

  it('deliveryRef: two deliveries of the same words both arrive; a re-send of one is dropped as its duplicate', async () => {
    const notify = client('work_notification');
    await notify.send('zhangsan', text, { deliveryRef: 'delivery-1' });
    await notify.send('zhangsan', text, { deliveryRef: 'delivery-2' });
    expect(fake.sent).toHaveLength(2);
    expect(fake.sent[0]!.text).toBe(fake.sent[1]!.text); // the tag does not show
    expect(fake.sent[0]!.raw.msg.text.content).not.toBe(fake.sent[1]!.raw.msg.text.content);
    await notify.send('zhangsan', text, { deliveryRef: 'delivery-1' });
    expect(fake.sent).toHaveLength(2);
    expect(fake.dropped).toHaveLength(1);
    expect(fake.receivedBy('zhangsan')).toBe(2);
    expect(invisibleRef('delivery-1')).toBe(invisibleRef('delivery-1'));
    expect(invisibleRef('delivery-1')).toMatch(/^(?:\u200b|\u200c|\u200d|\u2060){24}$/);
  });

  it('without a deliveryRef the same words the same day are dropped: what the ref is for', async () => {
    const notify = client('work_notification');
    await notify.send('zhangsan', text);
    await notify.send('zhangsan', text);
    expect(fake.sent).toHaveLength(1);
    expect(fake.dropped).toHaveLength(1);
  });

  it('a text that no longer fits with its tag goes in two parts, each within 2,048 bytes, nothing lost', async () => {
    const notify = client('work_notification');
    const lines = Array.from({ length: 68 }, (_, i) => `第${String(i + 1).padStart(2, '0')}行：党员姓名示例`); // 68 × 30 bytes
    const content = lines.join('\n');
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(2_048);
    await notify.send('zhangsan', { type: 'text', content }, { deliveryRef: 'long' });
    expect(fake.calls.asyncsend_v2).toBe(2);
    for (const m of fake.sent) expect(Buffer.byteLength(m.raw.msg.text.content)).toBeLessThanOrEqual(2_048);
    const shown = fake.sent.map((m) => m.text).join('\n');
    for (const line of lines) expect(shown).toContain(line);
  });

  it('143103/143104 → rate_limited (parked, 60 s); 60020 → fatal with an error log saying what to do; -1 → retry', async () => {
    const { log, lines } = capturedLog();
    const notify = client('work_notification', { log });
    for (const errcode of [143103, 143104]) {
      fake.inject('asyncsend_v2', { errcode });
      const err = await sendError(notify.send('zhangsan', text, { deliveryRef: `rl-${errcode}` }));
      expect(err).toMatchObject({ kind: 'rate_limited', platformCode: errcode, delayMs: 60_000 });
      expect(workerNext(err)).toBe('wait');
    }
    fake.inject('asyncsend_v2', { errcode: 60020 });
    const ip = await sendError(notify.send('zhangsan', text, { deliveryRef: 'ip' }));
    expect(ip).toMatchObject({ kind: 'fatal', platformCode: 60020 });
    expect(ip.message).toContain('服务器出口IP');
    expect(workerNext(ip)).toBe('fail');
    expect(lines.filter((l) => l.level === 50)).toEqual([expect.objectContaining({ code: 60020, msg: expect.stringContaining("add this server's egress IP") })]);
    fake.inject('asyncsend_v2', { errcode: -1 });
    const busy = await sendError(notify.send('zhangsan', text, { deliveryRef: 'busy' }));
    expect(busy.kind).toBe('retry');
    expect(workerNext(busy)).toBe('retry');
    expect(fake.sent).toHaveLength(0);
    // Neither token nor secret is ever quoted.
    for (const err of [ip, busy]) expect(err.message).not.toContain(APP_SECRET);
  });

  it('invalid users: one → fatal 33012; a call whose ids are all invalid is narrowed down one by one', async () => {
    fake.invalidUsers.add('ghost');
    fake.invalidUsers.add('phantom');
    const notify = client('work_notification');
    expect((await sendError(notify.send('ghost', text))).kind).toBe('fatal');
    const r = await notify.sendMany(['ghost', 'phantom'], text, { deliveryRef: 'b2' });
    expect(r.invalidUserIds).toEqual(['ghost', 'phantom']);
    expect(fake.sent).toHaveLength(0);
  });

  it('at most 100 per call: 100 go in one call, 101 are refused before calling', async () => {
    const notify = client('work_notification');
    const users = Array.from({ length: 101 }, (_, i) => `u${i}`);
    await notify.sendMany(users.slice(0, 100), text, { deliveryRef: 'b3' });
    expect(fake.calls.asyncsend_v2).toBe(1);
    expect(fake.sent[0]!.userIds).toHaveLength(100);
    await expect(notify.sendMany(users, text)).rejects.toThrow(RangeError);
    expect(fake.calls.asyncsend_v2).toBe(1);
  });
});

describe('DingtalkClient: groups and card updates', () => {
  it('group:<openConversationId> → groupMessages/send (text, markdown); a card to a group is refused', async () => {
    for (const sendVia of ['robot', 'work_notification'] as const) {
      const c = client(sendVia);
      await c.send('group:cidGroup001==', text);
      await c.send('group:cidGroup001==', markdown);
      const refused = await sendError(c.send('group:cidGroup001==', { type: 'card', card }));
      expect(refused.kind).toBe('fatal');
      await expect(c.sendMany(['zhangsan', 'group:cidGroup001=='], text)).rejects.toThrow(TypeError);
    }
    expect(fake.sent.map((m) => [m.api, m.groupId, m.raw.msgKey])).toEqual([
      ['group', 'cidGroup001==', 'sampleText'],
      ['group', 'cidGroup001==', 'sampleMarkdown'],
      ['group', 'cidGroup001==', 'sampleText'],
      ['group', 'cidGroup001==', 'sampleMarkdown'],
    ]);
    expect(fake.sent[0]!.raw.robotCode).toBe(ROBOT_CODE);
  });

  it('card_update sends nothing (DingTalk action cards cannot be updated) and returns {}', async () => {
    for (const sendVia of ['robot', 'work_notification'] as const) {
      await expect(client(sendVia).send('zhangsan', { type: 'card_update', responseCode: 'rc', replaceName: '已完成' })).resolves.toEqual({});
    }
    expect(fake.calls).toEqual({});
  });

  it('a markdown title is its first line in plain words', () => {
    expect(markdownTitle('\n## **本周** 待办\n内容')).toBe('本周 待办');
    expect(markdownTitle('')).toBe('通知');
  });
});
