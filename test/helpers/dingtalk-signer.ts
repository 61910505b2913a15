// An independent DingTalk signer for tests: node:crypto only, nothing from src/, so a bug in the product's
// crypto cannot hide behind the same bug here (wecom-protocol.md §5.1, §5.3). Build a valid request, then
// break one field per test.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/** A test app: not a real one. */
export const DINGTALK = {
  appKey: 'dingtestappkey0001',
  appSecret: 'TestAppSecret-dtrecv-0123456789abcdefghijklmnopqrstuvwxyzABCDEF',
  token: 'dtrecvtoken',
  aesKey: 'dtrecvAesKey0123456789abcdefghijklmnopqrstu',
};

/** Headers of a robot callback: `sign` = base64(HmacSHA256(appSecret, timestamp + "\n" + appSecret)). */
export function robotHeaders(appSecret: string, timestampMs: number | string): { timestamp: string; sign: string } {
  const timestamp = String(timestampMs);
  const sign = createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`).digest('base64');
  return { timestamp, sign };
}

export interface RobotMessageOptions {
  msgId: string;
  staffId?: string;
  msgtype?: string;
  content?: string;
  /** "1" single chat, "2" group. */
  conversationType?: string;
  conversationId?: string;
  createAt?: number;
}

/** A robot message body as DingTalk posts it (§5.3), trimmed to the fields that matter plus a few that do not. */
export function robotMessage(o: RobotMessageOptions): Record<string, unknown> {
  const msgtype = o.msgtype ?? 'text';
  return {
    msgId: o.msgId,
    msgtype,
    ...(msgtype === 'text' ? { text: { content: o.content ?? '' } } : { content: { downloadCode: 'dc-test' } }),
    conversationType: o.conversationType ?? '1',
    conversationId: o.conversationId ?? 'cidTestConversation0001==',
    ...(o.staffId !== undefined ? { senderStaffId: o.staffId } : {}),
    senderId: '$:LWCP_v1:$testsender',
    senderNick: '测试',
    senderCorpId: 'dingcorptest',
    chatbotUserId: '$:LWCP_v1:$testbot',
    robotCode: DINGTALK.appKey,
    isAdmin: false,
    isInAtList: o.conversationType === '2',
    createAt: o.createAt ?? 1_764_500_000_000,
    sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=test',
    sessionWebhookExpiredTime: 1_764_500_000_000 + 3_600_000,
  };
}

function aesKeyBytes(aesKey: string): Buffer {
  const key = Buffer.from(`${aesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('test aes key must decode to 32 bytes');
  return key;
}

/** random(16) | msg_len (u32 BE; override to lie) | msg | ownerKey, padded to 32 (a full block when aligned). */
export function plainBlock(message: string, ownerKey: string, opts: { random?: Buffer; msgLen?: number; pad?: (n: number) => Buffer } = {}): Buffer {
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(opts.msgLen ?? msg.length);
  const body = Buffer.concat([opts.random ?? randomBytes(16), len, msg, Buffer.from(ownerKey, 'utf8')]);
  const n = 32 - (body.length % 32);
  return Buffer.concat([body, opts.pad ? opts.pad(n) : Buffer.alloc(n, n)]);
}

/** AES-256-CBC, IV = key[0..16), no padding of its own: the caller gives whole blocks. */
export function encryptBlock(aesKey: string, plain: Buffer): string {
  const key = aesKeyBytes(aesKey);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}

/** Decrypts and reads the layout without checking it: what the product encrypted, as it is. */
export function openEncrypted(aesKey: string, b64: string): { random: Buffer; message: string; ownerKey: string; pad: number } {
  const key = aesKeyBytes(aesKey);
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]);
  const pad = plain[plain.length - 1]!;
  const len = plain.readUInt32BE(16);
  return {
    random: plain.subarray(0, 16),
    message: plain.subarray(20, 20 + len).toString('utf8'),
    ownerKey: plain.subarray(20 + len, plain.length - pad).toString('utf8'),
    pad,
  };
}

/** sha1 over the sorted [token, timestamp, nonce, encrypt]. */
export function sha1Signature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

export interface EventPush {
  query: { signature: string; timestamp: string; nonce: string };
  body: { encrypt: string };
}

/** An event push as DingTalk sends it: the JSON event encrypted for the owner key, signed in the query. */
export function eventPush(o: { plaintext: string; timestamp: string; nonce?: string; ownerKey?: string; aesKey?: string; token?: string; encrypt?: string }): EventPush {
  const aesKey = o.aesKey ?? DINGTALK.aesKey;
  const nonce = o.nonce ?? randomBytes(6).toString('base64url');
  const encrypt = o.encrypt ?? encryptBlock(aesKey, plainBlock(o.plaintext, o.ownerKey ?? DINGTALK.appKey));
  const signature = sha1Signature(o.token ?? DINGTALK.token, o.timestamp, nonce, encrypt);
  return { query: { signature, timestamp: o.timestamp, nonce }, body: { encrypt } };
}
