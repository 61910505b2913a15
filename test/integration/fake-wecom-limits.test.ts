// The fake WeCom's per-member limits (wecom-protocol.md §3.7: 30/min and 1000/h per app and member, the excess
// dropped silently): bench:deliver's "limits breached 0 times" means something only if the fake counts them.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWecom, type FakeWecom } from '../helpers/fake-wecom.ts';

let fake: FakeWecom | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const opts = { corpId: 'wwlimits00000001', secret: 'limits-secret', agentId: '1000002' };

async function send(f: FakeWecom, token: string, touser: string, content: string): Promise<{ errcode: number }> {
  const res = await fetch(`${f.baseUrl}/cgi-bin/message/send?access_token=${token}`, {
    method: 'POST',
    body: JSON.stringify({ touser, msgtype: 'text', agentid: 1000002, text: { content } }),
  });
  return (await res.json()) as { errcode: number };
}

async function token(f: FakeWecom): Promise<string> {
  const res = await fetch(`${f.baseUrl}/cgi-bin/gettoken?corpid=${opts.corpId}&corpsecret=${opts.secret}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('the fake WeCom with memberLimits', () => {
  it('the 31st message to one member within a minute is answered ok, reaches nobody and is counted; others in the call get it', async () => {
    fake = await startFakeWecom({ ...opts, memberLimits: { perMinute: 30, perHour: 1_000 } });
    const t = await token(fake);
    for (let i = 0; i < 30; i++) expect((await send(fake, t, 'zhangsan', `第${i + 1}条`)).errcode).toBe(0);
    expect(fake.limitViolations).toBe(0);
    expect((await send(fake, t, 'zhangsan|lisi', '第31条')).errcode).toBe(0);
    expect(fake.limitViolations).toBe(1);
    expect([fake.receivedBy('zhangsan'), fake.receivedBy('lisi')]).toEqual([30, 1]);
  });

  it('a thousand members in one call, once each: no breach; the hour limit counts too', async () => {
    fake = await startFakeWecom({ ...opts, memberLimits: { perMinute: 1_000, perHour: 2 } });
    const t = await token(fake);
    const all = Array.from({ length: 1_000 }, (_, i) => `m${i}`);
    await send(fake, t, all.join('|'), '请按时完成本季度自评。');
    expect(fake.limitViolations).toBe(0);
    await send(fake, t, 'm1', '二');
    await send(fake, t, 'm1', '三');
    expect(fake.limitViolations).toBe(1);
    expect(fake.receivedBy('m1')).toBe(2);
  });

  it('without memberLimits nothing is counted or dropped', async () => {
    fake = await startFakeWecom(opts);
    const t = await token(fake);
    for (let i = 0; i < 31; i++) await send(fake, t, 'zhangsan', `第${i + 1}条`);
    expect([fake.limitViolations, fake.receivedBy('zhangsan')]).toEqual([0, 31]);
  });
});
