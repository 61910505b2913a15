// A pool of distinct, valid, signed WeCom callbacks for the load generator. The encryption and signing come
// from test/helpers/wecom-signer.ts (node:crypto only, independent of src/), so the server under test must
// really decrypt what a real WeCom would send. Every message has its own MsgId; the timestamp is the time of
// generation, so a pool must be used within the server's ±300 s window (generate one per target).
import { randomBytes } from 'node:crypto';
import { aesKey, cdata, encryptRaw, layout, pad32, signWecom, textMessageXml } from '../../test/helpers/wecom-signer.ts';

export interface BenchWecom {
  corpId: string;
  agentId: string;
  secret: string;
  token: string;
  encodingAESKey: string;
}

export const BENCH_WECOM: BenchWecom = {
  corpId: 'wwbenchcorp00001',
  agentId: '1000002',
  secret: 'bench-secret-not-a-real-one-0123456789',
  token: 'benchTokenForSignatures',
  encodingAESKey: 'BenchKey0123456789abcdefghijklmnopqrstuvwxy',
};

/** The env a server under test needs for WeCom (all five variables, so loadConfig enables the platform). */
export function wecomEnv(w: BenchWecom = BENCH_WECOM): Record<string, string> {
  return {
    WECOM_CORP_ID: w.corpId,
    WECOM_AGENT_ID: w.agentId,
    WECOM_SECRET: w.secret,
    WECOM_TOKEN: w.token,
    WECOM_ENCODING_AES_KEY: w.encodingAESKey,
    // Never contacted during the bench (no workers run), but keep it off the internet all the same.
    WECOM_API_BASE: 'http://127.0.0.1:9',
  };
}

export interface Callback {
  /** Path with the signed query string. */
  path: string;
  body: string;
  /** text/xml when absent (WeCom). */
  contentType?: string;
  /** Extra request headers (DingTalk signs in headers, not in the query). */
  headers?: Record<string, string>;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TEXTS = ['打卡', '我要报名志愿服务', '菜单', '你好，想了解一下困难帮扶怎么申请', 'help', '本月的主题党日是哪天？'];

/**
 * Makes callbacks with MsgIds `${msgIdPrefix}${counter}`: distinct across the whole run as long as the
 * counter keeps going (one generator per run), and recognisable in inbound_events by their prefix.
 */
export class CallbackGenerator {
  private counter = 0;
  private readonly key: Buffer;
  private random = Buffer.alloc(0);
  private randomAt = 0;

  constructor(
    readonly msgIdPrefix: string,
    private readonly w: BenchWecom = BENCH_WECOM,
    private readonly users = 500,
  ) {
    this.key = aesKey(w.encodingAESKey);
  }

  get generated(): number {
    return this.counter;
  }

  /** Random bytes drawn in bulk: one randomBytes call per 4 KiB instead of ~25 randomInt calls per message. */
  private bytes(n: number): Buffer {
    if (this.randomAt + n > this.random.length) {
      this.random = randomBytes(4096);
      this.randomAt = 0;
    }
    const b = this.random.subarray(this.randomAt, this.randomAt + n);
    this.randomAt += n;
    return b;
  }

  private alnum(n: number): Buffer {
    const src = this.bytes(n);
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = ALNUM.charCodeAt(src[i]! % ALNUM.length);
    return out;
  }

  next(nowMs = Date.now()): Callback {
    const n = this.counter++;
    const msgId = `${this.msgIdPrefix}${String(n).padStart(9, '0')}`;
    const createTime = Math.floor(nowMs / 1000);
    const timestamp = String(createTime);
    const nonce = String(100_000_000 + (this.bytes(4).readUInt32BE(0) % 900_000_000));
    const plaintextXml = textMessageXml({
      from: `bench_user_${n % this.users}`,
      content: `${TEXTS[n % TEXTS.length]} #${n}`,
      msgId,
      createTime,
      corpId: this.w.corpId,
      agentId: this.w.agentId,
    });
    const encrypt = encryptRaw(this.key, pad32(layout(this.alnum(16), undefined, plaintextXml, this.w.corpId)));
    const signature = signWecom(this.w.token, timestamp, nonce, encrypt);
    // Same envelope as makeCallback; the query is exactly what WeCom sends (no '+' or '/' in these values).
    const body =
      `<xml><ToUserName>${cdata(this.w.corpId)}</ToUserName>` +
      `<Encrypt>${cdata(encrypt)}</Encrypt>` +
      `<AgentID>${cdata(this.w.agentId)}</AgentID></xml>`;
    return { path: `/wecom/callback?msg_signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, body };
  }
}
