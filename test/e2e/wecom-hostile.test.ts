// Issue 8 point 5, end to end: signed callbacks sent concurrently, among them one whose text carries a NUL
// and one with a 3,000-character MsgId. The good ones are stored and answered, the NUL one is stored without
// its NUL and answered, the absurd one alone is refused with 400 — nobody else pays for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { startStack, waitFor, WECOM, type Stack } from '../helpers/stack.ts';
import { eventXml, makeCallback, textMessageXml, toQueryString } from '../helpers/wecom-signer.ts';
import { helpFor } from '../../src/conversation/templates.ts';

const now = () => Math.floor(Date.now() / 1000);
let msgSeq = 7361255354251345000n;

function textCallback(from: string, content: string, msgId = String(++msgSeq)) {
  const xml = textMessageXml({ from, content, msgId, createTime: now(), corpId: WECOM.corpId, agentId: WECOM.agentId });
  return makeCallback({ ...WECOM, plaintextXml: xml });
}

const post = (stack: Stack, cb: { query: Record<string, string>; body: string }) =>
  fetch(`${stack.baseUrl}/wecom/callback?${toQueryString(cb.query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: cb.body });

const GOOD = Array.from({ length: 12 }, (_, i) => `good${i}`);
const MEMBERS = [...GOOD, 'nulsender', 'longsender', 'fieldsender'];
/** addMembers names the roster's members 测试0号, 测试1号, … in the order given. */
const nameOf = (userid: string) => `测试${MEMBERS.indexOf(userid)}号`;

describe.each(DB_KINDS)('hostile callbacks among good ones on %s', (dbKind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dbKind, wecom: true, workers: true, members: MEMBERS });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('good ones 200 and answered, the NUL one stored without it and answered, the 3,000-character MsgId 400 alone', async () => {
    const longMsgId = '9'.repeat(3000);
    const callbacks = [
      ...GOOD.slice(0, 6).map((u) => textCallback(u, '帮助')),
      textCallback('nulsender', '帮\u0000助'),
      textCallback('longsender', '帮助', longMsgId),
      ...GOOD.slice(6).map((u) => textCallback(u, '帮助')),
    ];
    const statuses = (await Promise.all(callbacks.map((cb) => post(stack, cb)))).map((r) => r.status);
    expect(statuses).toEqual([...Array(6).fill(200), 200, 400, ...Array(6).fill(200)]);

    // Everyone but the refused sender gets the help text, the NUL sender too: what they meant was 帮助.
    const expected = [...GOOD, 'nulsender'];
    await waitFor(() => expected.every((u) => stack.fake!.sent.some((m) => m.touser === u)), 60_000, 'replies to every good callback');
    for (const u of expected) expect(stack.fake!.sent.find((m) => m.touser === u)!.body.text.content).toBe(helpFor(nameOf(u), ['member']));

    const nul = await stack.deps.db.db.selectFrom('inbound_events').select(['payload', 'status']).where('user_id', '=', 'nulsender').executeTakeFirstOrThrow();
    expect((nul.payload as { text: string }).text).toBe('帮助');
    const refused = await stack.deps.db.db.selectFrom('inbound_events').select('id').where('user_id', '=', 'longsender').execute();
    expect(refused).toHaveLength(0);
    expect(stack.fake!.sent.some((m) => m.touser === 'longsender')).toBe(false);

    // The refusal names the field, not its value; no batch was reported as a database outage.
    const logs = stack.logs.join('');
    expect(logs).toMatch(/"code":"field_too_long"[^\n]*"field":"MsgId"/);
    expect(logs).not.toContain('9'.repeat(100));
    expect(logs).not.toContain('database unavailable');
  });

  it('refuses an absurd FromUserName, EventKey or TaskId with 400, naming the field', async () => {
    const longUser = textCallback('u'.repeat(3000), '帮助');
    const longKey = makeCallback({ ...WECOM, plaintextXml: eventXml({ from: 'fieldsender', event: 'click', eventKey: 'k'.repeat(3000), createTime: now() }) });
    const longTask = makeCallback({
      ...WECOM,
      plaintextXml: eventXml({ from: 'fieldsender', event: 'template_card_event', eventKey: 'done', createTime: now(), TaskId: 't'.repeat(3000), CardType: 'button_interaction', ResponseCode: 'rc' }),
    });
    expect((await post(stack, longUser)).status).toBe(400);
    expect((await post(stack, longKey)).status).toBe(400);
    expect((await post(stack, longTask)).status).toBe(400);
    const logs = stack.logs.join('');
    for (const field of ['FromUserName', 'EventKey', 'TaskId']) expect(logs).toContain(`"field":"${field}"`);
    const rows = await stack.deps.db.db.selectFrom('inbound_events').select('id').where('user_id', '=', 'fieldsender').execute();
    expect(rows).toHaveLength(0);
  });
});
