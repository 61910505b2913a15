// Issue 16 section 1, the pure parts: which chat words ask for the dashboard, the adapters' authorisation URLs
// (WeCom OAuth2 and QR login, DingTalk's sign-in page) in the platforms' documented shapes, which User-Agents are
// the platforms' own clients, and the variables that switch web sign-in, validated with the adapters' others.
import { describe, expect, it } from 'vitest';
import { asksForDashboard } from '../../src/dashboard/chat-link.ts';
import { readDingtalkConfig } from '../../src/platforms/dingtalk/config.ts';
import { dingtalkWebSignIn } from '../../src/platforms/dingtalk/oauth.ts';
import { readWecomConfig } from '../../src/platforms/wecom/config.ts';
import { wecomWebSignIn } from '../../src/platforms/wecom/oauth.ts';

const tokens = { get: async () => 'tok', invalidate: async () => {} };
const WECOM_ENV: Record<string, string> = {
  WECOM_CORP_ID: 'wwcorp',
  WECOM_AGENT_ID: '1000002',
  WECOM_SECRET: 's',
  WECOM_TOKEN: 't',
  WECOM_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const env = (vars: Record<string, string>) => (name: string) => vars[name];

describe('asking for the dashboard in chat', () => {
  it('takes the words alone, with punctuation or spaces; not a sentence that mentions them', () => {
    for (const t of ['后台', '工作台', '管理后台', '登录后台', ' 后台 ', '后台。', '后台！', '工作台登录']) expect(asksForDashboard(t)).toBe(true);
    for (const t of ['后台怎么用', '今天和张三谈心了', '帮助', '台', '我的待办']) expect(asksForDashboard(t)).toBe(false);
  });
});

describe('WeCom web authorisation URLs', () => {
  const web = wecomWebSignIn({ corpId: 'wwcorp', agentId: '1000002', apiBase: 'https://qyapi.weixin.qq.com', oauthBase: 'https://open.weixin.qq.com', ssoBase: 'https://login.work.weixin.qq.com', modes: ['in_app', 'qr'], tokens });
  it('OAuth2 in the client: snsapi_base, the agentid, the #wechat_redirect fragment, redirect_uri encoded', () => {
    expect(web.authorizeUrl('in_app', 'https://dj.example.edu.cn/dashboard/oauth/wecom', 'S1')).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wwcorp&redirect_uri=https%3A%2F%2Fdj.example.edu.cn%2Fdashboard%2Foauth%2Fwecom&response_type=code&scope=snsapi_base&state=S1&agentid=1000002#wechat_redirect',
    );
  });
  it('QR login on a desktop: login_type=CorpApp', () => {
    expect(web.authorizeUrl('qr', 'https://dj.example.edu.cn/dashboard/oauth/wecom', 'S2')).toBe(
      'https://login.work.weixin.qq.com/wwlogin/sso/login?login_type=CorpApp&appid=wwcorp&agentid=1000002&redirect_uri=https%3A%2F%2Fdj.example.edu.cn%2Fdashboard%2Foauth%2Fwecom&state=S2',
    );
  });
  it('the WeCom client is wxwork/…; WeChat and desktop browsers are not', () => {
    expect(web.isOwnClient('Mozilla/5.0 (iPhone) Mobile/15E148 wxwork/4.1.20 MicroMessenger/7.0.1')).toBe(true);
    expect(web.isOwnClient('Mozilla/5.0 (iPhone) Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI')).toBe(false);
    expect(web.isOwnClient('Mozilla/5.0 (Windows NT 10.0) Chrome/126.0')).toBe(false);
  });
  it('WECOM_WEB_SIGN_IN: app by default, app,qr, qr, off; anything else is a problem', () => {
    const read = (extra: Record<string, string>) => {
      const problems: string[] = [];
      return { config: readWecomConfig(env({ ...WECOM_ENV, ...extra }), problems), problems };
    };
    expect(read({}).config!.webSignIn).toEqual(['in_app']);
    expect(read({ WECOM_WEB_SIGN_IN: 'app,qr' }).config!.webSignIn).toEqual(['in_app', 'qr']);
    expect(read({ WECOM_WEB_SIGN_IN: 'off' }).config!.webSignIn).toEqual([]);
    expect(read({ WECOM_WEB_SIGN_IN: 'yes' }).problems.join()).toContain('WECOM_WEB_SIGN_IN');
    expect(read({ WECOM_OAUTH_BASE: 'open.weixin.qq.com' }).problems.join()).toContain('WECOM_OAUTH_BASE');
  });
});

describe('DingTalk sign-in URL', () => {
  const web = dingtalkWebSignIn({ appKey: 'dingkey', appSecret: 'secret', apiBase: 'https://api.dingtalk.com', oapiBase: 'https://oapi.dingtalk.com', loginBase: 'https://login.dingtalk.com', oapiToken: tokens });
  it('login.dingtalk.com/oauth2/auth with client_id, scope openid, prompt consent; the code comes back as authCode', () => {
    expect(web.authorizeUrl('in_app', 'https://dj.example.edu.cn/dashboard/oauth/dingtalk', 'S3')).toBe(
      'https://login.dingtalk.com/oauth2/auth?redirect_uri=https%3A%2F%2Fdj.example.edu.cn%2Fdashboard%2Foauth%2Fdingtalk&response_type=code&client_id=dingkey&scope=openid&state=S3&prompt=consent',
    );
    expect(web.codeParam).toBe('authCode');
    expect(web.isOwnClient('Mozilla/5.0 (Linux; Android 13) AliApp(DingTalk/7.6.0) DingTalk/7.6.0')).toBe(true);
  });
  it('DINGTALK_WEB_SIGN_IN: on by default, off, anything else a problem', () => {
    const base = { DINGTALK_APP_KEY: 'k', DINGTALK_APP_SECRET: 's', DINGTALK_MODE: 'stream' };
    const problems: string[] = [];
    expect(readDingtalkConfig(env(base), problems)!.webSignIn).toBe(true);
    expect(readDingtalkConfig(env({ ...base, DINGTALK_WEB_SIGN_IN: 'off' }), problems)!.webSignIn).toBe(false);
    expect(problems).toEqual([]);
    readDingtalkConfig(env({ ...base, DINGTALK_WEB_SIGN_IN: 'maybe' }), problems);
    expect(problems.join()).toContain('DINGTALK_WEB_SIGN_IN');
  });
});
