// The callback message crypto WeCom and DingTalk share (wecom-protocol.md §2.2; DingTalk's event subscription
// uses the same construction, §5.1): AES-256-CBC, IV = key[0..16), PKCS#7 padding to 32 bytes,
// plaintext = random(16) | msg_len(u32 BE) | msg | receiveId, and the sha1 signature over the sorted
// [token, timestamp, nonce, encrypt]. Each adapter wraps it with its own receive id (CorpID, AppKey).

import { createDecipheriv, randomInt, timingSafeEqual } from 'node:crypto';
import { encrypt as wecomEncrypt, getSignature } from '@wecom/crypto';
import { BadRequestError } from '../../errors.ts';

export interface Decrypted {
  message: string;
  /** Decoded as UTF-8 for display; decryptFor compares the raw bytes. */
  receiveId: string;
  random: Buffer;
}

const BLOCK = 32; // both platforms pad to 32 bytes, not AES's 16 (§6.1)
const HEADER = 20; // 16 random bytes + 4-byte msg_len
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// fatal: invalid UTF-8 is refused instead of becoming U+FFFD; ignoreBOM: keep a BOM so the
// message is returned exactly as sent (the XML layer decides what a BOM means).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class CallbackCrypto {
  // Private fields so the key never shows up when the instance is logged or serialised.
  readonly #encodingAESKey: string;
  readonly #key: Buffer;
  readonly #iv: Buffer;

  /** keyName names the key in the error (WeCom's EncodingAESKey, DingTalk's aes_key); never its value. */
  constructor(encodingAESKey: string, keyName = 'EncodingAESKey') {
    if (typeof encodingAESKey !== 'string' || !/^[A-Za-z0-9]{43}$/.test(encodingAESKey)) {
      throw new Error(`${keyName} must be exactly 43 characters from [A-Za-z0-9]`);
    }
    const key = Buffer.from(`${encodingAESKey}=`, 'base64');
    if (key.length !== 32) throw new Error(`${keyName} must decode to 32 bytes`);
    this.#encodingAESKey = encodingAESKey;
    this.#key = key;
    this.#iv = key.subarray(0, 16);
  }

  /** Strict decryption: every malformed input is a BadRequestError with a stable code. */
  decrypt(b64: string): Decrypted {
    const { message, random, receiveId } = this.#open(b64);
    return { message, random, receiveId: receiveId.toString('utf8') };
  }

  /** Decrypts and checks the trailing receive id (CorpID, or AppKey/SuiteKey for DingTalk) byte for byte (§6.3). */
  decryptFor(b64: string, expectedReceiveId: string): string {
    const { message, receiveId } = this.#open(b64);
    if (!receiveId.equals(Buffer.from(expectedReceiveId, 'utf8'))) {
      throw new BadRequestError('bad_receive_id', 'receive id does not match');
    }
    return message;
  }

  /** Encrypts a reply (or a test fixture); `random` must be 16 bytes, default 16 random alphanumerics. */
  encrypt(message: string, receiveId: string, random: Buffer = randomAlnum(16)): string {
    if (random.length !== 16) throw new Error('random must be 16 bytes');
    // @wecom/crypto pads correctly to 32, including a full block when already aligned (§6.1).
    return wecomEncrypt(this.#encodingAESKey, message, receiveId, random);
  }

  // @wecom/crypto's decrypt checks neither padding nor msg_len nor receive id (§6.2), so we decrypt with node:crypto.
  #open(b64: string): { message: string; random: Buffer; receiveId: Buffer } {
    if (!isBase64(b64)) throw new BadRequestError('bad_base64', 'ciphertext is not base64');
    const cipher = Buffer.from(b64, 'base64');
    if (cipher.length === 0 || cipher.length % BLOCK !== 0) {
      throw new BadRequestError('bad_length', 'ciphertext length is not a multiple of 32');
    }

    const decipher = createDecipheriv('aes-256-cbc', this.#key, this.#iv);
    decipher.setAutoPadding(false); // Node would apply 16-byte PKCS#7 and throw on pad > 16 (§2.2)
    const plain = Buffer.concat([decipher.update(cipher), decipher.final()]);

    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK) throw new BadRequestError('bad_padding', 'invalid padding');
    for (let i = plain.length - pad; i < plain.length; i++) {
      if (plain[i] !== pad) throw new BadRequestError('bad_padding', 'invalid padding');
    }
    const end = plain.length - pad;

    if (end < HEADER) throw new BadRequestError('bad_msg_len', 'plaintext too short');
    const msgLen = plain.readUInt32BE(16);
    // An empty message is useless to every caller (an echo string or an XML document), so it is refused too.
    if (msgLen === 0 || HEADER + msgLen > end) {
      throw new BadRequestError('bad_msg_len', 'invalid message length');
    }

    let message: string;
    try {
      message = utf8.decode(plain.subarray(HEADER, HEADER + msgLen));
    } catch {
      throw new BadRequestError('bad_utf8', 'message is not valid UTF-8');
    }
    return {
      message,
      random: Buffer.from(plain.subarray(0, 16)),
      receiveId: Buffer.from(plain.subarray(HEADER + msgLen, end)),
    };
  }
}

// One character class then the padding: linear, and about a third faster than the charCodeAt loop it
// replaced (this runs on every callback, over the whole ciphertext).
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Standard alphabet, length a multiple of 4, at most two '=' at the very end; no whitespace, no URL-safe chars. */
function isBase64(s: unknown): s is string {
  return typeof s === 'string' && s.length !== 0 && s.length % 4 === 0 && BASE64.test(s);
}

function randomAlnum(length: number): Buffer {
  let s = '';
  for (let i = 0; i < length; i++) s += ALNUM[randomInt(ALNUM.length)];
  return Buffer.from(s, 'ascii');
}

/** sha1(sort([token, timestamp, nonce, encrypt]).join('')) as lowercase hex. */
export function callbackSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return getSignature(token, timestamp, nonce, encrypt);
}

const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

/**
 * Constant-time check of the callback signature (§6.4). Never throws: `given` comes straight from the query
 * string and may be missing, empty, repeated (an array) or of any length.
 */
export function verifyCallbackSignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
  given: unknown,
): boolean {
  if (typeof given !== 'string' || !SHA1_HEX.test(given)) return false;
  if (typeof token !== 'string' || typeof timestamp !== 'string') return false;
  if (typeof nonce !== 'string' || typeof encrypt !== 'string') return false;
  const expected = Buffer.from(callbackSignature(token, timestamp, nonce, encrypt), 'latin1');
  // Both sides are exactly 40 ASCII bytes here, so timingSafeEqual cannot throw.
  return timingSafeEqual(expected, Buffer.from(given.toLowerCase(), 'latin1'));
}
