// An independent WeCom encryptor/signer for tests: node:crypto only, nothing from src/ or @wecom/crypto,
// so a bug in the production crypto cannot hide behind the same bug here (wecom-protocol.md §1, §2.1, §2.2).
// Build a valid callback with makeCallback, then break one field per test.

import { createCipheriv, createDecipheriv, createHash, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

type Bytes = Buffer | string;
const bytes = (b: Bytes): Buffer => (typeof b === 'string' ? Buffer.from(b, 'utf8') : b);

export function aesKey(encodingAESKey: string): Buffer {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (key.length !== 32) throw new Error('test key must decode to 32 bytes');
  return key;
}

export function randomAlnum(length = 16): Buffer {
  let s = '';
  for (let i = 0; i < length; i++) s += ALNUM[randomInt(ALNUM.length)];
  return Buffer.from(s, 'ascii');
}

export function randomDigits(length = 9): string {
  let s = String(1 + randomInt(9));
  while (s.length < length) s += String(randomInt(10));
  return s;
}

/** random(16) | msg_len (u32 BE; override to lie about it) | msg | receiveId — unpadded. */
export function layout(random: Bytes, msgLenOverride: number | undefined, msg: Bytes, receiveId: Bytes): Buffer {
  const m = bytes(msg);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msgLenOverride ?? m.length);
  return Buffer.concat([bytes(random), len, m, bytes(receiveId)]);
}

/** PKCS#7 to 32 bytes; a full block of 0x20 when already aligned. */
export function pad32(plain: Buffer): Buffer {
  const n = 32 - (plain.length % 32);
  return Buffer.concat([plain, Buffer.alloc(n, n)]);
}

/** AES-256-CBC with IV = key[0..16) and NO padding: the caller crafts the exact bytes (length % 16 == 0). */
export function encryptRaw(key: string | Buffer, plaintext: Buffer): string {
  const k = typeof key === 'string' ? aesKey(key) : key;
  const cipher = createCipheriv('aes-256-cbc', k, k.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

/** The inverse of encryptRaw: the padded plaintext, nothing checked. */
export function decryptRaw(key: string | Buffer, b64: string): Buffer {
  const k = typeof key === 'string' ? aesKey(key) : key;
  const decipher = createDecipheriv('aes-256-cbc', k, k.subarray(0, 16));
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(b64, 'base64')), decipher.final()]);
}

export function encryptWecom(encodingAESKey: string, message: string, receiveId: string, random: Bytes = randomAlnum()): string {
  return encryptRaw(encodingAESKey, pad32(layout(random, undefined, message, receiveId)));
}

/** Test-side decryption (trusting the layout), to check what production code encrypted. */
export function decryptWecom(encodingAESKey: string, b64: string): { random: Buffer; message: string; receiveId: string; pad: number } {
  const plain = decryptRaw(encodingAESKey, b64);
  const pad = plain[plain.length - 1]!;
  const end = plain.length - pad;
  const len = plain.readUInt32BE(16);
  return {
    random: plain.subarray(0, 16),
    message: plain.subarray(20, 20 + len).toString('utf8'),
    receiveId: plain.subarray(20 + len, end).toString('utf8'),
    pad,
  };
}

export function signWecom(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

// A type alias (not an interface) so it is assignable to Record<string, string>.
export type CallbackQuery = {
  msg_signature: string;
  timestamp: string;
  nonce: string;
};

export interface CallbackInput {
  token: string;
  encodingAESKey: string;
  corpId: string;
  agentId: string;
  plaintextXml: string;
  timestamp?: string;
  nonce?: string;
}

/** A signed POST callback: query parameters, the XML envelope body, and the Encrypt value. */
export function makeCallback(input: CallbackInput): { query: CallbackQuery; body: string; encrypt: string } {
  const timestamp = input.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? randomDigits();
  const encrypt = encryptWecom(input.encodingAESKey, input.plaintextXml, input.corpId);
  const body =
    `<xml><ToUserName>${cdata(input.corpId)}</ToUserName>` +
    `<Encrypt>${cdata(encrypt)}</Encrypt>` +
    `<AgentID>${cdata(input.agentId)}</AgentID></xml>`;
  return { query: { msg_signature: signWecom(input.token, timestamp, nonce, encrypt), timestamp, nonce }, body, encrypt };
}

export interface EchoInput {
  token: string;
  encodingAESKey: string;
  corpId: string;
  /** The string WeCom expects back; WeCom sends a decimal number. */
  echo?: string;
  timestamp?: string;
  nonce?: string;
}

/** The signed GET URL-verification query (§1); `echostr` is raw base64 — use toQueryString to put it in a URL. */
export function makeEchoQuery(input: EchoInput): { query: CallbackQuery & { echostr: string }; echo: string } {
  const timestamp = input.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? randomDigits();
  const echo = input.echo ?? randomDigits(19);
  const echostr = encryptWecom(input.encodingAESKey, echo, input.corpId);
  return { query: { msg_signature: signWecom(input.token, timestamp, nonce, echostr), timestamp, nonce, echostr }, echo };
}

/** Percent-encodes like WeCom does (`+` → %2B, `/` → %2F, `=` → %3D). */
export function toQueryString(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/** CDATA as WeCom writes it; a `]]>` inside the text is split across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** A nested field value: strings become CDATA, numbers plain text, objects child elements, arrays repeated elements. */
export type XmlField = string | number | XmlField[] | { [name: string]: XmlField };

function element(name: string, value: XmlField): string {
  if (Array.isArray(value)) return value.map((v) => element(name, v)).join('');
  if (typeof value === 'string') return `<${name}>${cdata(value)}</${name}>`;
  if (typeof value === 'number') return `<${name}>${value}</${name}>`;
  return `<${name}>${Object.entries(value).map(([k, v]) => element(k, v)).join('')}</${name}>`;
}

export function textMessageXml(m: {
  from: string;
  content: string;
  msgId: string;
  createTime: number;
  corpId: string;
  agentId: string;
}): string {
  // Same shape as vector E: strings in CDATA, numbers bare, one element per line.
  return [
    '<xml>',
    `<ToUserName>${cdata(m.corpId)}</ToUserName>`,
    `<FromUserName>${cdata(m.from)}</FromUserName>`,
    `<CreateTime>${m.createTime}</CreateTime>`,
    `<MsgType>${cdata('text')}</MsgType>`,
    `<Content>${cdata(m.content)}</Content>`,
    `<MsgId>${m.msgId}</MsgId>`,
    `<AgentID>${m.agentId}</AgentID>`,
    '</xml>',
  ].join('\n');
}

export function eventXml({
  from,
  event,
  eventKey,
  createTime,
  corpId = 'wwtestcorp000001',
  agentId = '1000002',
  ...extra
}: {
  from: string;
  event: string;
  eventKey?: string;
  createTime: number;
  corpId?: string;
  agentId?: string;
  [field: string]: XmlField | undefined;
}): string {
  const fields = [
    `<ToUserName>${cdata(corpId)}</ToUserName>`,
    `<FromUserName>${cdata(from)}</FromUserName>`,
    `<CreateTime>${createTime}</CreateTime>`,
    `<MsgType>${cdata('event')}</MsgType>`,
    `<AgentID>${agentId}</AgentID>`,
    `<Event>${cdata(event)}</Event>`,
  ];
  if (eventKey !== undefined) fields.push(`<EventKey>${cdata(eventKey)}</EventKey>`);
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) fields.push(element(name, value));
  return `<xml>${fields.join('')}</xml>`;
}
