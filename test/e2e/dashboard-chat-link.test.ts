// Issue 16 section 1, from chat: "后台" (or 工作台, 管理后台, 登录后台, or the menu's 工作台) answers an active member
// with a one-time link to the dashboard, PUBLIC_URL/dashboard/login?t=…, which opens a session once; a plain
// member gets one too (their own page); a stranger gets the answer for strangers and no link; the token is never
// logged. Through signed WeCom callbacks (TEST_PLATFORM=dingtalk: DingTalk robot messages, where the menu item is
// typed) and the local web chat's HTTP API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCareRoster } from '../helpers/care-roster.ts';
import { runningClock, startStack, waitFor, waitForQuiet, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { eventXml } from '../helpers/wecom-signer.ts';

const PUBLIC = 'https://dj.example.edu.cn';
const LINK = /https:\/\/dj\.example\.edu\.cn\/dashboard\/login\?t=([A-Za-z0-9_-]{43})/;

/** Opens a link's token against the stack: the session cookie, or the refusal's status. */
async function open(stack: Stack, token: string): Promise<{ status: number; cookie: string | undefined }> {
  const res = await fetch(`${stack.baseUrl}/dashboard/login?t=${token}`, { redirect: 'manual' });
  return { status: res.status, cookie: res.headers.getSetCookie().find((c) => c.startsWith('pc_session='))?.split(';')[0] };
}

describe('"后台" in chat answers with a one-time dashboard link', () => {
  let stack: Stack;
  const time = runningClock('2026-11-30T02:00:00Z'); // 10:00 Monday in Shanghai

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { PUBLIC_URL: PUBLIC }, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  const chat = wecomChat(() => stack, time.clock, 9_160_000_000n);

  it('a GB secretary says 后台: one message with the link; it opens a session once; the page is theirs', async () => {
    const out = await chat.say('sunzongzhi', '后台');
    expect(out).toHaveLength(1);
    expect(out[0]!.touser).toBe('sunzongzhi');
    const text = textOf(out[0]!);
    expect(text).toContain('工作台登录链接');
    expect(text).toContain('10分钟内有效，仅可使用一次，请勿转发');
    const token = LINK.exec(text)![1]!;
    const first = await open(stack, token);
    expect(first.status).toBe(303);
    const home = await fetch(`${stack.baseUrl}/dashboard/`, { headers: { cookie: first.cookie! } });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('孙总支');
    expect((await open(stack, token)).status).toBe(403);
    // The token is in the reply only: never in a log line.
    expect(stack.logs.join('')).not.toContain(token);
  });

  it('the other words, and a plain member: each gets a fresh link of their own', async () => {
    const tokens = new Set<string>();
    for (const [who, words] of [['wushengri', '工作台'], ['zhouzhishu', '管理后台'], ['zhouzhishu', ' 登录后台 '], ['wushengri', '后台。']] as const) {
      const out = await chat.say(who, words);
      expect(out).toHaveLength(1);
      const token = LINK.exec(textOf(out[0]!))![1]!;
      tokens.add(token);
    }
    expect(tokens.size).toBe(4);
    const mine = await open(stack, [...tokens][0]!);
    expect(mine.status).toBe(303);
    const page = await fetch(`${stack.baseUrl}/dashboard/`, { headers: { cookie: mine.cookie! } });
    expect(await page.text()).toContain('吴生日');
  });

  it('a stranger gets the answer for strangers, and no link', async () => {
    const out = await chat.say('stranger07', '后台');
    expect(out).toHaveLength(1);
    expect(textOf(out[0]!)).not.toContain('/dashboard/login');
    expect(textOf(out[0]!)).toContain('stranger07');
  });

  // Last: a raw callback leaves the chat helper's count of what it has seen behind.
  it('the menu item 工作台 answers with a link', async () => {
    const before = stack.fake!.sent.length;
    await chat.post(eventXml({ from: 'zhouzhishu', event: 'click', eventKey: 'dashboard', createTime: Math.floor(time.clock().getTime() / 1000) }));
    await waitFor(() => stack.fake!.sent.length > before, 60_000, 'the answer to the menu click');
    await waitForQuiet(stack);
    const out = stack.fake!.sent.slice(before);
    expect(out).toHaveLength(1);
    expect(LINK.test(textOf(out[0]!))).toBe(true);
  });
});

describe('"后台" in the local web chat', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: true, env: { PUBLIC_URL: PUBLIC } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  const ask = async (body: Record<string, string>): Promise<string[]> => {
    const res = await fetch(`${stack.baseUrl}/local/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'zhouzhishu', ...body }) });
    expect(res.status).toBe(202);
    await waitForQuiet(stack);
    const rows = (await (await fetch(`${stack.baseUrl}/local/messages?userId=zhouzhishu`)).json()) as Array<{ dir: string; body: { type?: string; content?: string } }>;
    return rows.filter((r) => r.dir === 'out').map((r) => String(r.body.content ?? ''));
  };

  it('typed or from the menu, the answer carries a link that signs in', async () => {
    const typed = await ask({ text: '后台' });
    const token = LINK.exec(typed.at(-1)!)![1]!;
    const menu = await ask({ eventKey: 'dashboard' });
    const second = LINK.exec(menu.at(-1)!)![1]!;
    expect(second).not.toBe(token);
    const opened = await open(stack, token);
    expect(opened.status).toBe(303);
    expect((await fetch(`${stack.baseUrl}/dashboard/`, { headers: { cookie: opened.cookie! } })).status).toBe(200);
    expect((await open(stack, second)).status).toBe(303);
  });
});
