// Issue 15, Stream mode wired end to end: DINGTALK_MODE=stream opens the connection with the server, robot
// messages arriving as CALLBACK frames are answered (here by work notification, the oapi API), and an address-book
// event pushed twice with one eventId is stored once — acked only after it was stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { runningClock, startStack, waitForQuiet, waitFor, type Stack } from '../helpers/stack.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { DINGTALK, robotMessage } from '../helpers/dingtalk-signer.ts';
import { ROBOT_TOPIC, startFakeDingtalkGateway, type FakeDingtalkGateway } from '../helpers/fake-dingtalk-gateway.ts';

describe('DingTalk over a Stream connection', () => {
  let stack: Stack;
  let gateway: FakeDingtalkGateway;
  const time = runningClock('2026-11-26T02:00:00Z');
  const db = () => stack.deps.db.db;

  beforeAll(async () => {
    gateway = await startFakeDingtalkGateway({ clientId: DINGTALK.appKey, clientSecret: DINGTALK.appSecret });
    stack = await startStack({ dingtalk: { sendVia: 'work_notification', stream: { gatewayBase: gateway.apiBase } }, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(db(), CARE_ROWS);
    await sql`update members set dingtalk_userid = 'dt_' || userid where userid is not null`.execute(db());
  });
  afterAll(async () => {
    await stack.close();
    await gateway.close();
  });

  it('no /dingtalk/events route in Stream mode; a robot message over the connection is answered by work notification', async () => {
    const res = await fetch(`${stack.baseUrl}/dingtalk/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(404);
    const conn = await gateway.connection(1);
    const { ack } = conn.pushCallback(ROBOT_TOPIC, robotMessage({ msgId: 'msgStream1', staffId: 'dt_zhouzhishu', content: '你好', createAt: time.clock().getTime() }));
    expect((await ack).code).toBe(200);
    await waitFor(() => stack.dingtalk!.sent.length >= 1, 60_000, 'the answer');
    await waitForQuiet(stack);
    const [answer] = stack.dingtalk!.sent;
    expect(answer!.api).toBe('work_notification');
    expect(answer!.userIds).toEqual(['dt_zhouzhishu']);
  });

  it('an event pushed twice with one eventId: acked SUCCESS both times, stored once, the OD asked once', async () => {
    const conn = await gateway.connection(1);
    const data = { EventType: 'user_leave_org', TimeStamp: String(time.clock().getTime()), UserId: ['dt_zhenglao'], CorpId: 'dingcorp' };
    const first = await conn.pushEvent({ eventId: 'evStream1', data }).ack;
    const second = await conn.pushEvent({ eventId: 'evStream1', data }).ack;
    expect(JSON.parse(first.data).status).toBe('SUCCESS');
    expect(JSON.parse(second.data).status).toBe('SUCCESS');
    const before = stack.dingtalk!.sent.length;
    await waitFor(() => stack.dingtalk!.sent.length > before, 60_000, 'the OD card');
    await waitForQuiet(stack);
    const rows = await db().selectFrom('inbound_events').select(['kind', 'dedupe_key']).where('kind', '=', 'directory').execute();
    expect(rows).toEqual([{ kind: 'directory', dedupe_key: 'dt-event:evStream1:dt_zhenglao' }]);
    const cards = stack.dingtalk!.sent.slice(before);
    expect(cards.map((c) => c.userIds)).toEqual([['dt_zhaozuzhi']]);
    expect(cards[0]!.text).toContain('郑老党员已离开本单位');
    // Frames count as callbacks do, under a route name of their own; an unreadable one as refused.
    const refusedAck = await conn.pushEvent({ eventId: 'evStream2', data: 'not an event' }).ack;
    expect(JSON.parse(refusedAck.data).status).toBe('SUCCESS');
    const metrics = (await stack.deps.metrics.scrape()).body;
    expect(metrics).toMatch(/partycare_callbacks_received_total\{platform="dingtalk",route="stream:event"\} 3/);
    expect(metrics).toMatch(/partycare_callbacks_refused_total\{platform="dingtalk",route="stream:event",code="[a-z_]+"\} 1/);
  });
});
