// DingTalk event subscription crypto (wecom-protocol.md §5.1): WeCom's construction (platforms/shared/), with
// the AppKey as the owner key of an enterprise internal app's subscription, and a JSON reply: every push,
// check_url included, is answered with encrypt("success") signed like a push (plain "success" is 71009).
import { randomInt } from 'node:crypto';
import { CallbackCrypto, callbackSignature, verifyCallbackSignature } from '../shared/callback-crypto.ts';
import type { DingtalkConfig } from './config.ts';

/** The body every event push is answered with. */
export interface EncryptedReply {
  msg_signature: string;
  /** Milliseconds, as a string (the Java helper's reply; DingTalk's pushes carry ms too). */
  timeStamp: string;
  nonce: string;
  encrypt: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class DingtalkCrypto {
  readonly #crypto: CallbackCrypto;
  readonly #token: string;
  readonly #ownerKey: string;

  /** aesKey and token are the subscription's 加密 aes_key and 签名 token; ownerKey is the app's AppKey. */
  constructor(opts: { aesKey: string; token: string; ownerKey: string }) {
    this.#crypto = new CallbackCrypto(opts.aesKey, 'DingTalk aes_key');
    this.#token = opts.token;
    this.#ownerKey = opts.ownerKey;
  }

  /** The crypto for HTTP event pushes; undefined where the subscription has no key (Stream mode). */
  static fromConfig(config: DingtalkConfig): DingtalkCrypto | undefined {
    if (config.aesKey === undefined || config.token === undefined) return undefined;
    return new DingtalkCrypto({ aesKey: config.aesKey, token: config.token, ownerKey: config.appKey });
  }

  /** sha1(sort([token, timestamp, nonce, encrypt])) as lowercase hex. */
  sign(timestamp: string, nonce: string, encrypt: string): string {
    return callbackSignature(this.#token, timestamp, nonce, encrypt);
  }

  /** Constant time; false for a missing, repeated or malformed signature. */
  verify(timestamp: string, nonce: string, encrypt: string, given: unknown): boolean {
    return verifyCallbackSignature(this.#token, timestamp, nonce, encrypt, given);
  }

  /** Strict decryption (BadRequestError on any malformed input) and the owner key checked byte for byte (§6.3). */
  decrypt(encrypt: string): string {
    return this.#crypto.decryptFor(encrypt, this.#ownerKey);
  }

  /** Encrypts for the owner key; `random` (16 bytes) is injectable for deterministic tests. */
  encrypt(message: string, random?: Buffer): string {
    return this.#crypto.encrypt(message, this.#ownerKey, random);
  }

  /** The answer to a push: encrypt("success"), signed over our own timestamp (ms) and a fresh nonce. */
  successReply(nowMs: number, nonce: string = randomNonce()): EncryptedReply {
    const timeStamp = String(nowMs);
    const encrypt = this.encrypt('success');
    return { msg_signature: this.sign(timeStamp, nonce, encrypt), timeStamp, nonce, encrypt };
  }
}

function randomNonce(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}
