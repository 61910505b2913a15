// Issue 16 section 1: signing in with the platforms' own web authorisation, against the fake WeCom and DingTalk
// APIs. Inside the WeCom client an unauthenticated page goes through the OAuth2 page (snsapi_base, agentid) and
// comes back signed in on the page first asked for; a desktop browser gets the QR login link on the sign-in page;
// DingTalk's sign-in page does the same by 钉钉账号. The state is bound to a short cookie (a callback without it,
// or with another state, is refused); the way back is a /dashboard path of this site only; a code is used once;
// strangers, members who left and platform errors get a page that says so and no session; ADMIN_TOKEN opens nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeNext } from '../../src/dashboard/web-sign-in.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { DB_KINDS } from '../helpers/db.ts';
import { startStack, type Stack } from '../helpers/stack.ts';

const PUBLIC = 'https://dj.example.edu.cn';
const WXWORK_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.20 MicroMessenger/7.0.1 Language/zh';
const DINGTALK_UA = 'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 Mobile Safari/537.36 AliApp(DingTalk/7.6.0) DingTalk/7.6.0';
const DESKTOP_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const ADMIN_TOKEN = 'admin-token-for-machines-0123456789abcdef';

describe.each(DB_KINDS)('dashboard web sign-in on %s', (kind) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      dbKind: kind,
      wecom: true,
      dingtalk: true,
      platforms: 'wecom,dingtalk',
      env: { PUBLIC_URL: PUBLIC, WECOM_WEB_SIGN_IN: 'app,qr', ADMIN_TOKEN },
    });
    await importCareRoster(stack.db.db);
    await sql`update members set dingtalk_userid = 'dt_sun' where userid = 'sunzongzhi'`.execute(stack.db.db);
  });
  afterAll(() => stack.close());

  /** A URL of this server as the platform names it (PUBLIC_URL) turned into the stack's own address. */
  const local = (url: string) => (url.startsWith(PUBLIC) ? `${stack.baseUrl}${url.slice(PUBLIC.length)}` : url.startsWith('/') ? `${stack.baseUrl}${url}` : url);
  const get = (url: string, headers: Record<string, string> = {}) => fetch(local(url), { redirect: 'manual', headers });
  const cookieOf = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(';')[0];
  const sessions = async () => (await sql<{ via: string; userid: string }>`select s.via, m.userid from dashboard_sessions s join members m on m.id = s.member_id order by s.created_at`.execute(stack.db.db)).rows;

  /** From an unauthenticated page to the platform's page: the redirect and the state cookie. */
  async function begin(path: string, ua: string): Promise<{ authorize: URL; stateCookie: string }> {
    const res = await get(path, { 'user-agent': ua });
    expect(res.status).toBe(302);
    const stateCookie = cookieOf(res, 'pc_oauth')!;
    expect(stateCookie).toBeDefined();
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('pc_oauth='))!;
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/dashboard/oauth');
    return { authorize: new URL(res.headers.get('location')!), stateCookie };
  }
  /** The platform's page sends the browser back: the callback URL it redirects to. */
  async function platformPage(authorize: URL): Promise<string> {
    const res = await fetch(authorize, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return res.headers.get('location')!;
  }

  it('inside WeCom: 302 to the OAuth2 page (snsapi_base, agentid), back with a code, a session (wecom_oauth), on the page first asked for', async () => {
    const { authorize, stateCookie } = await begin('/dashboard/?tab=care', WXWORK_UA);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${stack.fake!.baseUrl}/connect/oauth2/authorize`);
    expect(authorize.hash).toBe('#wechat_redirect');
    const q = Object.fromEntries(authorize.searchParams);
    expect(q).toMatchObject({ appid: 'wwtestcorp000001', redirect_uri: `${PUBLIC}/dashboard/oauth/wecom`, response_type: 'code', scope: 'snsapi_base', agentid: '1000002' });
    expect(q.state).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect([...authorize.searchParams.keys()]).toEqual(['appid', 'redirect_uri', 'response_type', 'scope', 'state', 'agentid']);

    stack.fake!.oauthUser = 'sunzongzhi';
    const back = await platformPage(authorize);
    const res = await get(back, { cookie: stateCookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard/?tab=care');
    const session = cookieOf(res, 'pc_session')!;
    expect(res.headers.getSetCookie().find((c) => c.startsWith('pc_oauth='))).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    const home = await get('/dashboard/', { cookie: session, 'user-agent': WXWORK_UA });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('孙总支');
    expect((await sessions()).at(-1)).toEqual({ via: 'wecom_oauth', userid: 'sunzongzhi' });
    // The code is used: the same way back again opens nothing (the cookie is gone, and so is the code).
    expect((await get(back, { cookie: stateCookie })).status).toBe(403);
    const logs = stack.logs.join('');
    expect(logs).not.toContain(new URL(back).searchParams.get('code')!);
    expect(logs).not.toContain(q.state!);
  });

  it('a desktop browser: the sign-in page (401) offers 企业微信扫码登录, which goes to the QR login and signs in (wecom_qr)', async () => {
    const page = await get('/dashboard/?tab=visits', { 'user-agent': DESKTOP_UA });
    expect(page.status).toBe(401);
    const body = await page.text();
    expect(body).toContain('企业微信扫码登录');
    expect(body).toContain('钉钉扫码登录');
    const href = /href="(\/dashboard\/oauth\/wecom\/start[^"]+)"/.exec(body)![1]!.replace(/&amp;/g, '&');
    const { authorize, stateCookie } = await begin(href, DESKTOP_UA);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${stack.fake!.baseUrl}/wwlogin/sso/login`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ login_type: 'CorpApp', appid: 'wwtestcorp000001', agentid: '1000002', redirect_uri: `${PUBLIC}/dashboard/oauth/wecom` });
    stack.fake!.oauthUser = 'zhouzhishu';
    const res = await get(await platformPage(authorize), { cookie: stateCookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard/?tab=visits');
    expect((await sessions()).at(-1)).toEqual({ via: 'wecom_qr', userid: 'zhouzhishu' });
  });

  it('DingTalk: its client goes to login.dingtalk.com, back with authCode, the member by 钉钉账号 (dingtalk_oauth)', async () => {
    const { authorize, stateCookie } = await begin('/dashboard/', DINGTALK_UA);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${stack.dingtalk!.baseUrl}/oauth2/auth`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ redirect_uri: `${PUBLIC}/dashboard/oauth/dingtalk`, response_type: 'code', client_id: expect.any(String), scope: 'openid', prompt: 'consent' });
    stack.dingtalk!.oauthUser = 'dt_sun';
    const res = await get(await platformPage(authorize), { cookie: stateCookie });
    expect(res.status).toBe(303);
    expect((await sessions()).at(-1)).toEqual({ via: 'dingtalk_oauth', userid: 'sunzongzhi' });

    // Someone outside the organisation (no userid for their unionId): refused, no session.
    const other = await begin('/dashboard/', DINGTALK_UA);
    stack.dingtalk!.oauthUser = 'unionid:outsider';
    const refused = await get(await platformPage(other.authorize), { cookie: other.stateCookie });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('不是本单位成员');
    expect(cookieOf(refused, 'pc_session')).toBeUndefined();
    // A person who declines comes back without a code.
    const declined = await begin('/dashboard/', DINGTALK_UA);
    stack.dingtalk!.oauthUser = undefined;
    const no = await get(await platformPage(declined.authorize), { cookie: declined.stateCookie });
    expect(no.status).toBe(403);
    expect(await no.text()).toContain('未在钉钉中同意授权');
  });

  it('the state: a callback without the cookie, with another state, or with the cookie of another platform is refused', async () => {
    stack.fake!.oauthUser = 'sunzongzhi';
    const before = (await sessions()).length;
    const a = await begin('/dashboard/', WXWORK_UA);
    const back = new URL(await platformPage(a.authorize));
    expect((await get(back.toString())).status).toBe(403); // no cookie: a login forced on someone else's browser
    const b = await begin('/dashboard/', WXWORK_UA);
    const forged = new URL(back);
    forged.searchParams.set('state', new URL(b.authorize).searchParams.get('state')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
    const mismatch = await get(forged.toString(), { cookie: b.stateCookie });
    expect(mismatch.status).toBe(403);
    expect(await mismatch.text()).toContain('登录请求已失效');
    // WeCom's state cookie at DingTalk's way back.
    const c = await begin('/dashboard/', WXWORK_UA);
    const cross = `${PUBLIC}/dashboard/oauth/dingtalk?authCode=x&state=${new URL(c.authorize).searchParams.get('state')}`;
    expect((await get(cross, { cookie: c.stateCookie })).status).toBe(403);
    // An altered cookie.
    const d = await begin('/dashboard/', WXWORK_UA);
    const dBack = await platformPage(d.authorize);
    expect((await get(dBack, { cookie: d.stateCookie.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')) })).status).toBe(403);
    expect((await sessions()).length).toBe(before);
    expect(stack.logs.join('')).toContain('"reason":"bad_state"');
  });

  it('no open redirect: the way back is a /dashboard path of this site, whatever `next` says', async () => {
    expect(safeNext('/dashboard/gb/3?y=2026')).toBe('/dashboard/gb/3?y=2026');
    for (const bad of ['//evil.example/dashboard/', 'https://evil.example/dashboard/', '/\\evil.example', '/other', '/dashboard/../admin', '/dashboard/oauth/wecom', 'javascript:alert(1)', '/dashboardx']) {
      expect(safeNext(bad)).toBe('/dashboard/');
    }
    stack.fake!.oauthUser = 'sunzongzhi';
    const { authorize, stateCookie } = await begin(`/dashboard/oauth/wecom/start?mode=qr&next=${encodeURIComponent('https://evil.example/x')}`, DESKTOP_UA);
    const res = await get(await platformPage(authorize), { cookie: stateCookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard/');
  });

  it('refusals: a stranger, a member who left, a used code, a WeCom errcode — a page that says so, no session, the reason in the log', async () => {
    const before = (await sessions()).length;
    const attempt = async (user: string) => {
      stack.fake!.oauthUser = user;
      const { authorize, stateCookie } = await begin('/dashboard/', WXWORK_UA);
      return get(await platformPage(authorize), { cookie: stateCookie });
    };
    const stranger = await attempt('nobody_here');
    expect(stranger.status).toBe(403);
    expect(await stranger.text()).toContain('不在党员名册中');
    const wechatUser = await attempt('openid:o123');
    expect(await wechatUser.text()).toContain('不是本单位成员');

    await sql`update members set status = 'transferred_out' where userid = 'wushengri'`.execute(stack.db.db);
    const left = await attempt('wushengri');
    expect(left.status).toBe(403);
    expect(await left.text()).toContain('已不在册');

    // A code already used (as when the page is reloaded): WeCom's 40029.
    const { authorize, stateCookie } = await begin('/dashboard/', WXWORK_UA);
    const back = new URL(await platformPage(authorize));
    const code = back.searchParams.get('code')!;
    await fetch(`${stack.fake!.baseUrl}/cgi-bin/gettoken?corpid=wwtestcorp000001&corpsecret=test-secret-do-not-log-0123456789`).then(async (r) => {
      const { access_token: token } = (await r.json()) as { access_token: string };
      await fetch(`${stack.fake!.baseUrl}/cgi-bin/auth/getuserinfo?access_token=${token}&code=${code}`);
    });
    const used = await get(back.toString(), { cookie: stateCookie });
    expect(used.status).toBe(403);
    expect(await used.text()).toContain('授权码无效或已过期');

    stack.fake!.inject('auth/getuserinfo', { errcode: 50001 });
    const errcode = await attempt('sunzongzhi');
    expect(errcode.status).toBe(403);
    expect(await errcode.text()).toContain('未能确认您的身份');
    stack.fake!.inject('auth/getuserinfo', { httpStatus: 502 });
    const down = await attempt('sunzongzhi');
    expect(down.status).toBe(502);

    expect((await sessions()).length).toBe(before);
    const logs = stack.logs.join('');
    for (const reason of ['unknown_user', 'not_in_org', 'left', 'bad_code', 'platform_error', 'unavailable']) expect(logs).toContain(`"reason":"${reason}"`);
    expect(logs).toContain('errcode 50001');
    expect(logs).not.toContain(code);
    await sql`update members set status = 'active' where userid = 'wushengri'`.execute(stack.db.db);
  });

  it('ADMIN_TOKEN opens nothing under /dashboard: not as a bearer, not as a cookie', async () => {
    const tries: Array<Record<string, string>> = [{ authorization: `Bearer ${ADMIN_TOKEN}` }, { cookie: `pc_session=${ADMIN_TOKEN}` }, { cookie: `admin_token=${ADMIN_TOKEN}` }];
    for (const headers of tries) {
      const res = await get('/dashboard/', { ...headers, 'user-agent': DESKTOP_UA });
      expect(res.status).toBe(401);
      expect(cookieOf(res, 'pc_session')).toBeUndefined();
    }
  });
});
