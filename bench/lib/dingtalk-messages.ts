// A pool of distinct, validly signed DingTalk robot messages (POST /dingtalk/robot, wecom-protocol.md §5.3) for
// the load generator. The sign is computed here with node:crypto, independent of src/ (and of test/), so the
// server under test must really verify what DingTalk would send.
//
// The sign covers only the timestamp (ms), so messages generated within the same second share one timestamp
// and one sign: a pool made at once carries the time of its generation, messages made during a run the
// second they were made. The server still computes and compares the HMAC for every request, and the ±1 h
// window is far wider than any run. Every message has its own msgId (the dedupe key dt-msg:<msgId>).
import { createHmac, randomBytes } from 'node:crypto';
import type { Callback } from './messages.ts';

export interface BenchDingtalk {
  appKey: string;
  appSecret: string;
  /** The event subscription's aes_key and token: the bench runs DINGTALK_MODE=http, which needs them. */
  aesKey: string;
  token: string;
}

export const BENCH_DINGTALK: BenchDingtalk = {
  appKey: 'dingbenchappkey0001',
  appSecret: 'BenchAppSecret-not-a-real-one-0123456789abcdefghijklmnopqrstuv',
  aesKey: 'BenchDtAesKey0123456789abcdefghijklmnopqrst',
  token: 'benchDingtalkToken',
};

/**
 * The env a server under test needs for DingTalk. HTTP mode (with the event subscription's key and token)
 * rather than Stream, so the durable app opens no connection anywhere; the API bases point at a closed
 * local port all the same (no workers run, nothing is sent).
 */
export function dingtalkEnv(d: BenchDingtalk = BENCH_DINGTALK): Record<string, string> {
  return {
    PLATFORM: 'dingtalk',
    DINGTALK_APP_KEY: d.appKey,
    DINGTALK_APP_SECRET: d.appSecret,
    DINGTALK_MODE: 'http',
    DINGTALK_AES_KEY: d.aesKey,
    DINGTALK_TOKEN: d.token,
    DINGTALK_API_BASE: 'http://127.0.0.1:9',
    DINGTALK_OAPI_BASE: 'http://127.0.0.1:9',
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** What members type to the robot, of typical length (the same kind of texts as the WeCom bench). */
const TEXTS = ['打卡', '我要报名志愿服务', '菜单', '你好，想了解一下困难帮扶怎么申请', 'help', '本月的主题党日是哪天？'];
const NICKS = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆', '赵磊', '黄敏'];

function alnum(n: number): string {
  const b = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[b[i]! % ALNUM.length];
  return s;
}

/** base64(HmacSHA256(appSecret, timestamp + "\n" + appSecret)). */
function sign(appSecret: string, timestamp: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`).digest('base64');
}

/**
 * Makes single-chat text messages with msgIds `msg${msgIdPrefix}${counter}==`: distinct across the whole run
 * (one generator per run), recognisable in inbound_events by the prefix (letters and digits only, so it is
 * safe in a LIKE pattern).
 */
export class RobotMessageGenerator {
  private counter = 0;
  private second = -1;
  private timestamp = '';
  private signed = '';
  private readonly corpId = `ding${alnum(16).toLowerCase()}`;
  private readonly chatbotUserId = `$:LWCP_v1:$${alnum(32)}`;
  /** One sender id and one 1:1 conversation id per user, as DingTalk keeps them. */
  private readonly senders: Array<{ staffId: string; senderId: string; conversationId: string; nick: string }>;

  constructor(
    readonly msgIdPrefix: string,
    private readonly d: BenchDingtalk = BENCH_DINGTALK,
    users = 500,
  ) {
    if (!/^[A-Za-z0-9]+$/.test(msgIdPrefix)) throw new Error('msgIdPrefix must be letters and digits');
    this.senders = Array.from({ length: users }, (_, i) => ({
      staffId: `bench${String(i).padStart(5, '0')}`,
      senderId: `$:LWCP_v1:$${alnum(32)}`,
      conversationId: `cid${alnum(40)}==`,
      nick: NICKS[i % NICKS.length]!,
    }));
  }

  get generated(): number {
    return this.counter;
  }

  /** The DingTalk-style msgId LIKE pattern of this run, as stored in dedupe keys. */
  get dedupeKeyPrefix(): string {
    return `dt-msg:msg${this.msgIdPrefix}`;
  }

  next(nowMs = Date.now()): Callback {
    const n = this.counter++;
    const second = Math.floor(nowMs / 1000);
    if (second !== this.second) {
      this.second = second;
      this.timestamp = String(nowMs);
      this.signed = sign(this.d.appSecret, this.timestamp);
    }
    const user = this.senders[n % this.senders.length]!;
    // The fields of a real single-chat text message (§5.3), in DingTalk's order; no atUsers in a 1:1 chat.
    const body = JSON.stringify({
      conversationId: user.conversationId,
      chatbotCorpId: this.corpId,
      chatbotUserId: this.chatbotUserId,
      msgId: `msg${this.msgIdPrefix}${String(n).padStart(12, '0')}==`,
      senderNick: user.nick,
      isAdmin: false,
      senderStaffId: user.staffId,
      sessionWebhookExpiredTime: nowMs + 90 * 60 * 1000,
      createAt: nowMs,
      senderCorpId: this.corpId,
      conversationType: '1',
      senderId: user.senderId,
      sessionWebhook: `https://oapi.dingtalk.com/robot/sendBySession?session=${alnum(32)}`,
      text: { content: `${TEXTS[n % TEXTS.length]} #${n}` },
      robotCode: this.d.appKey,
      msgtype: 'text',
    });
    return { path: '/dingtalk/robot', body, contentType: 'application/json', headers: { timestamp: this.timestamp, sign: this.signed } };
  }
}
