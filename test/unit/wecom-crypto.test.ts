import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors.ts';
import { WecomCrypto } from '../../src/platforms/wecom/crypto.ts';
import { checkTimestamp, computeSignature, verifySignature } from '../../src/platforms/wecom/signature.ts';
import {
  decryptRaw,
  decryptWecom,
  encryptRaw,
  encryptWecom,
  layout,
  pad32,
  signWecom,
} from '../helpers/wecom-signer.ts';

// Published vectors, copied from docs/wecom-test-vectors.json (sources: wecom-protocol.md §4).
const V = {
  A: {
    token: "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    encodingAESKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    receiveId: "ww1436e0e65a779aee",
    msg_signature: "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
    timestamp: "1476416373",
    nonce: "47744683",
    encrypt: "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
  },
  B: {
    token: "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    encodingAESKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    receiveId: "ww1436e0e65a779aee",
    msg_signature: "0c3914025cb4b4d68103f6bfc8db550f79dcf48e",
    timestamp: "1476422779",
    nonce: "1597212914",
    encrypt: "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+"
  },
  C: {
    token: "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    encodingAESKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    receiveId: "ww1436e0e65a779aee",
    msg_signature: "e3647471e395139e2308c1fa963f2d648a00b90e",
    timestamp: "1409659813",
    nonce: "1372623149",
    encrypt: "cjhLUX7UU4yCSelv1vz7T0zT8huF51bAMVWriNvO1FMegHrQZNrtvRxbwf0fUPsFvwqR0U0fgiJNEA5Y30F2MoI2S7vv3EjVQ68C0cjw9frBoUE2Hj0BvFp9h3u6Vbsg4lc1C8AtHdaN8orKuNKkLRLuYEL52R1J3v8olJGZRLnRdVKIivixmX/eQpzgeExtp20jI1HxRP1AAZ6xZoILdqDPO549LO4WeG+685JRUTdiwcY5fjZlqeMxuT4PpMn1X9OWsS7NRj06Wa5E3Tvg4twjWp39KPfOdRte6P1T4JU="
  },
  D: {
    token: "QDG6eK",
    encodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    receiveId: "wx5823bf96d3bd56c7",
    msg_signature: "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    timestamp: "1409659589",
    nonce: "263014780",
    encrypt: "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
  },
  E: {
    token: "QDG6eK",
    encodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    receiveId: "wx5823bf96d3bd56c7",
    msg_signature: "477715d11cdb4164915debcba66cb864d751f3e6",
    timestamp: "1409659813",
    nonce: "1372623149",
    encrypt: "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
  },
  W1: {
    token: "123456",
    encodingAESKey: "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
    receiveId: "wx49f0ab532d5d035a",
    msg_signature: "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96",
    timestamp: "1411443780",
    nonce: "437374425",
    encrypt: "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
  },
  W2: {
    token: "123456",
    encodingAESKey: "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
    receiveId: "wx49f0ab532d5d035a",
    msg_signature: "74d92dfeb87ba7c714f89d98870ae5eb62dff26d",
    timestamp: "1411525903",
    nonce: "461056294",
    encrypt: "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
  },
  W3: {
    token: "123456",
    encodingAESKey: "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
    receiveId: "wx49f0ab532d5d035a",
    timestamp: "1411525903",
    nonce: "461056294",
    random: "1234567890123456",
    plaintext: "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>",
    expectEncrypt: "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3",
    expectSignature: "407518b7649e86ef23978113f92d27afa9296533"
  },
  DT1: {
    token: "mryue",
    aesKey: "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
    ownerKey: "ding6ccabc44d2c8d38b",
    signature: "03044561471240d4a14bb09372dfcfd4fd0e40cb",
    timestamp_ms: "1608001896814",
    nonce: "WL4PK6yA",
    encrypt: "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3"
  }
} as const;

const KEY = V.W1.encodingAESKey;
const CORP = V.W1.receiveId;
const RANDOM = '0123456789abcdef';

/** Asserts a BadRequestError with this stable code (a non-throwing call fails the test). */
function expectRefusal(fn: () => unknown, code: string): void {
  expect(fn).toThrow(BadRequestError);
  expect(fn).toThrow(expect.objectContaining({ code, httpStatus: 400 }));
}

describe('published vectors', () => {
  for (const v of [V.A, V.D, V.W1]) {
    it(`echostr ${v.receiveId} ${v.timestamp}: signature and message`, () => {
      expect(verifySignature(v.token, v.timestamp, v.nonce, v.encrypt, v.msg_signature)).toBe(true);
      expect(new WecomCrypto(v.encodingAESKey).decryptFor(v.encrypt, v.receiveId)).toBe(
        { [V.A.encrypt]: '1288432023552776189', [V.D.encrypt]: '1616140317555161061', [V.W1.encrypt]: '5927782489442352469' }[
          v.encrypt
        ],
      );
    });
  }

  it('W1 with nonce 437374424 fails the signature', () => {
    const v = V.W1;
    expect(verifySignature(v.token, v.timestamp, '437374424', v.encrypt, v.msg_signature)).toBe(false);
  });

  it('B: text message from ChenJiaShun', () => {
    const v = V.B;
    expect(verifySignature(v.token, v.timestamp, v.nonce, v.encrypt, v.msg_signature)).toBe(true);
    const msg = new WecomCrypto(v.encodingAESKey).decryptFor(v.encrypt, v.receiveId);
    for (const s of ['ChenJiaShun', '你好', '1456453720']) expect(msg).toContain(s);
  });

  it('C: JSON family decrypts (its sample plaintext is itself malformed JSON)', () => {
    const v = V.C;
    expect(verifySignature(v.token, v.timestamp, v.nonce, v.encrypt, v.msg_signature)).toBe(true);
    const { message, receiveId } = new WecomCrypto(v.encodingAESKey).decrypt(v.encrypt);
    expect(receiveId).toBe(v.receiveId);
    expect(message.startsWith('{')).toBe(true);
    expect(message).toContain('4561255354251345929');
  });

  it('E: pad 30 (breaks 16-byte auto-unpadding) decrypts', () => {
    const v = V.E;
    const raw = decryptRaw(v.encodingAESKey, v.encrypt);
    expect(raw[raw.length - 1]).toBe(30);
    expect(verifySignature(v.token, v.timestamp, v.nonce, v.encrypt, v.msg_signature)).toBe(true);
    const msg = new WecomCrypto(v.encodingAESKey).decryptFor(v.encrypt, v.receiveId);
    for (const s of ['mycreate', 'hello', '<MsgId>4561255354251345929</MsgId>']) expect(msg).toContain(s);
  });

  it('W2: pad 1 decrypts', () => {
    const v = V.W2;
    const raw = decryptRaw(v.encodingAESKey, v.encrypt);
    expect(raw[raw.length - 1]).toBe(1);
    expect(verifySignature(v.token, v.timestamp, v.nonce, v.encrypt, v.msg_signature)).toBe(true);
    const msg = new WecomCrypto(v.encodingAESKey).decryptFor(v.encrypt, v.receiveId);
    expect(msg).toContain('messense');
    expect(msg).toContain('<Content><![CDATA[test]]></Content>');
  });

  it('W3: deterministic encryption is byte-identical, and so is its signature', () => {
    const v = V.W3;
    const crypto = new WecomCrypto(v.encodingAESKey);
    const encrypt = crypto.encrypt(v.plaintext, v.receiveId, Buffer.from(v.random, 'ascii'));
    expect(encrypt).toBe(v.expectEncrypt);
    expect(computeSignature(v.token, v.timestamp, v.nonce, encrypt)).toBe(v.expectSignature);
    expect(crypto.decrypt(encrypt)).toEqual({
      message: v.plaintext,
      receiveId: v.receiveId,
      random: Buffer.from(v.random, 'ascii'),
    });
  });

  it('DingTalk 4.4: same construction, millisecond timestamp, owner key as receive id', () => {
    const v = V.DT1;
    expect(computeSignature(v.token, v.timestamp_ms, v.nonce, v.encrypt)).toBe(v.signature);
    expect(verifySignature(v.token, v.timestamp_ms, v.nonce, v.encrypt, v.signature)).toBe(true);
    expect(new WecomCrypto(v.aesKey).decryptFor(v.encrypt, v.ownerKey)).toBe('{"EventType":"check_url"}');
  });

  it('computeSignature agrees with the independent signer', () => {
    for (const v of [V.A, V.B, V.E, V.W2]) {
      expect(computeSignature(v.token, v.timestamp, v.nonce, v.encrypt)).toBe(v.msg_signature);
      expect(signWecom(v.token, v.timestamp, v.nonce, v.encrypt)).toBe(v.msg_signature);
    }
  });
});

describe('round trips', () => {
  const crypto = new WecomCrypto(KEY);

  // Message lengths 1..64 walk the pad through every value 1..32, including the full 0x20 block.
  const messages = Array.from({ length: 64 }, (_, i) => 'x'.repeat(i + 1));
  messages.push('你好，党支部 🎉', '<xml><Content><![CDATA[多行\r\n文本]]></Content></xml>');

  it('signer encrypts, WecomCrypto decrypts (every pad length)', () => {
    const pads = new Set<number>();
    for (const m of messages) {
      const b64 = encryptWecom(KEY, m, CORP, RANDOM);
      const raw = decryptRaw(KEY, b64);
      pads.add(raw[raw.length - 1]!);
      expect(crypto.decrypt(b64)).toEqual({ message: m, receiveId: CORP, random: Buffer.from(RANDOM) });
      expect(crypto.decryptFor(b64, CORP)).toBe(m);
    }
    expect(pads.size).toBe(32);
  });

  it('WecomCrypto encrypts, the signer decrypts (pads to 32, full block when aligned)', () => {
    const pads = new Set<number>();
    for (const m of messages) {
      const b64 = crypto.encrypt(m, CORP);
      expect(Buffer.from(b64, 'base64').length % 32).toBe(0);
      const out = decryptWecom(KEY, b64);
      expect(out.message).toBe(m);
      expect(out.receiveId).toBe(CORP);
      expect(out.random.toString('latin1')).toMatch(/^[A-Za-z0-9]{16}$/);
      pads.add(out.pad);
    }
    expect(pads.has(32)).toBe(true);
    expect(pads.size).toBe(32);
  });

  it('a fresh random prefix per encryption', () => {
    expect(crypto.encrypt('same', CORP)).not.toBe(crypto.encrypt('same', CORP));
  });

  it('refuses a random prefix that is not 16 bytes', () => {
    expect(() => crypto.encrypt('m', CORP, Buffer.from('short'))).toThrow(/16 bytes/);
  });
});

describe('decryption refusals', () => {
  const crypto = new WecomCrypto(KEY);
  const valid = encryptWecom(KEY, 'hello', CORP, RANDOM);
  /** Encrypts hand-made plaintext: already-padded bytes, not checked by the signer. */
  const raw = (plain: Buffer) => encryptRaw(KEY, plain);

  it.each([
    ['not base64 at all', 'not base64!'],
    ['empty', ''],
    ['whitespace inside', `${valid.slice(0, 8)} ${valid.slice(9)}`],
    ['URL-safe alphabet', valid.replace(/\+/g, '-').replace(/\//g, '_').replace(/^./, '-')],
    ['missing padding', valid.replace(/=+$/, '')],
    ['three = signs', `${valid.slice(0, -3)}===`],
    ['= in the middle', `${valid.slice(0, 4)}=${valid.slice(5)}`],
    ['a newline at the end', `${valid}\n`],
  ])('%s → bad_base64', (_name, b64) => {
    expectRefusal(() => crypto.decrypt(b64), 'bad_base64');
  });

  it('length not a multiple of 32 → bad_length', () => {
    const b64 = raw(Buffer.alloc(48, 1));
    expectRefusal(() => crypto.decrypt(b64), 'bad_length');
    expectRefusal(() => crypto.decrypt(raw(Buffer.alloc(16, 1))), 'bad_length');
  });

  it('5 bytes short → bad_length', () => {
    const short = Buffer.from(valid, 'base64').subarray(0, -5).toString('base64');
    expectRefusal(() => crypto.decrypt(short), 'bad_length');
  });

  it('pad byte 0 → bad_padding', () => {
    const plain = pad32(layout(RANDOM, undefined, 'hello', CORP));
    plain[plain.length - 1] = 0;
    expectRefusal(() => crypto.decrypt(raw(plain)), 'bad_padding');
  });

  it('pad byte 33 → bad_padding', () => {
    const plain = Buffer.concat([layout(RANDOM, undefined, 'hello', CORP), Buffer.alloc(64)]).subarray(0, 64);
    plain.fill(33, 64 - 33);
    expectRefusal(() => crypto.decrypt(raw(plain)), 'bad_padding');
  });

  it('inconsistent pad bytes → bad_padding', () => {
    const plain = pad32(layout(RANDOM, undefined, 'hello', CORP));
    const pad = plain[plain.length - 1]!;
    expect(pad).toBeGreaterThan(1);
    plain[plain.length - pad] = pad + 1;
    expectRefusal(() => crypto.decrypt(raw(plain)), 'bad_padding');
  });

  it('msg_len 0 → bad_msg_len (an empty message is useless)', () => {
    expectRefusal(() => crypto.decrypt(raw(pad32(layout(RANDOM, 0, '', CORP)))), 'bad_msg_len');
  });

  it('msg_len larger than the rest → bad_msg_len', () => {
    const len = 'hello'.length + CORP.length + 1;
    expectRefusal(() => crypto.decrypt(raw(pad32(layout(RANDOM, len, 'hello', CORP)))), 'bad_msg_len');
  });

  it('msg_len 0xFFFFFFFF → bad_msg_len', () => {
    expectRefusal(() => crypto.decrypt(raw(pad32(layout(RANDOM, 0xffffffff, 'hello', CORP)))), 'bad_msg_len');
  });

  it('plaintext shorter than the 20-byte header → bad_msg_len', () => {
    const plain = Buffer.alloc(32, 20); // 12 bytes of "data", then 20 bytes of pad 20
    expectRefusal(() => crypto.decrypt(raw(plain)), 'bad_msg_len');
  });

  it('invalid UTF-8 in the message → bad_utf8', () => {
    for (const bad of [Buffer.from([0xff, 0xfe]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0x61, 0xc3])]) {
      expectRefusal(() => crypto.decrypt(raw(pad32(layout(RANDOM, undefined, bad, CORP)))), 'bad_utf8');
    }
  });

  it('a UTF-8 BOM in the message is kept, not silently dropped', () => {
    const b64 = encryptWecom(KEY, '\uFEFF<xml/>', CORP, RANDOM);
    expect(crypto.decryptFor(b64, CORP)).toBe('\uFEFF<xml/>');
  });

  it('receive id of another corp → bad_receive_id', () => {
    const b64 = encryptWecom(KEY, 'hello', 'ww0000000000000000', RANDOM);
    expect(crypto.decrypt(b64).receiveId).toBe('ww0000000000000000');
    expectRefusal(() => crypto.decryptFor(b64, CORP), 'bad_receive_id');
  });

  it('empty receive id → bad_receive_id', () => {
    const b64 = encryptWecom(KEY, 'hello', '', RANDOM);
    expect(crypto.decrypt(b64).receiveId).toBe('');
    expectRefusal(() => crypto.decryptFor(b64, CORP), 'bad_receive_id');
  });

  it('receive id with a trailing NUL → bad_receive_id', () => {
    const b64 = encryptWecom(KEY, 'hello', `${CORP}\0`, RANDOM);
    expectRefusal(() => crypto.decryptFor(b64, CORP), 'bad_receive_id');
  });

  it('a receive id that is a prefix of the expected one → bad_receive_id', () => {
    const b64 = encryptWecom(KEY, 'hello', CORP.slice(0, -1), RANDOM);
    expectRefusal(() => crypto.decryptFor(b64, CORP), 'bad_receive_id');
  });
});

describe('EncodingAESKey', () => {
  it.each([
    ['42 characters', KEY.slice(0, 42)],
    ['44 characters', `${KEY}A`],
    ['43 characters with "+"', `${KEY.slice(0, 42)}+`],
    ['43 characters with "="', `${KEY.slice(0, 42)}=`],
    ['surrounding whitespace', ` ${KEY.slice(1)}`],
    ['empty', ''],
  ])('%s: throws at construction, without echoing the key', (_name, key) => {
    expect(() => new WecomCrypto(key)).toThrow(/EncodingAESKey/);
    expect(() => new WecomCrypto(key)).not.toThrow(KEY.slice(5, 30));
  });

  it('the key is not visible on the instance (so it cannot reach a log)', () => {
    const crypto = new WecomCrypto(KEY);
    expect(JSON.stringify(crypto)).toBe('{}');
    expect(Object.keys(crypto)).toEqual([]);
  });
});

describe('verifySignature', () => {
  const v = V.B;
  const check = (given: unknown) => verifySignature(v.token, v.timestamp, v.nonce, v.encrypt, given);

  it('accepts the right signature, in either case', () => {
    expect(check(v.msg_signature)).toBe(true);
    expect(check(v.msg_signature.toUpperCase())).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['an array (repeated parameter)', [V.B.msg_signature]],
    ['an array of two', [V.B.msg_signature, V.B.msg_signature]],
    ['wrong, same length', `${V.B.msg_signature.slice(0, -1)}${V.B.msg_signature.endsWith('0') ? '1' : '0'}`],
    ['wrong, 39 chars', V.B.msg_signature.slice(0, -1)],
    ['wrong, 41 chars', `${V.B.msg_signature}0`],
    ['wrong, 64 chars', 'a'.repeat(64)],
    ['40 non-hex chars', 'g'.repeat(40)],
    ['40 chars of multi-byte text', '签'.repeat(40)],
    ['a number', 12345],
    ['an object', { toString: () => V.B.msg_signature }],
  ])('%s → false, no throw', (_name, given) => {
    expect(check(given)).toBe(false);
  });

  it('any change to a signed field fails', () => {
    expect(verifySignature(v.token, v.timestamp, v.nonce, `${v.encrypt.slice(0, -3)}A==`, v.msg_signature)).toBe(false);
    expect(verifySignature(v.token, '1476422780', v.nonce, v.encrypt, v.msg_signature)).toBe(false);
    expect(verifySignature('other-token', v.timestamp, v.nonce, v.encrypt, v.msg_signature)).toBe(false);
  });
});

describe('checkTimestamp', () => {
  const nowMs = 1_700_000_000_000;
  const sec = (offset: number) => String(1_700_000_000 + offset);

  it('accepts now and anything within ±300 s', () => {
    for (const offset of [0, 1, -1, 299, -299, 300, -300]) expect(checkTimestamp(sec(offset), nowMs)).toBe(true);
  });

  it.each([
    ['10 min stale', sec(-600)],
    ['10 min in the future', sec(600)],
    ['just past the window', sec(301)],
    ['not a number', 'abc'],
    ['exponent notation', '1e3'],
    ['hex', '0x10'],
    ['negative', '-1'],
    ['fraction', '1700000000.5'],
    ['leading space', ` ${sec(0)}`],
    ['empty', ''],
    ['14 digits', '17000000000000'],
    ['milliseconds instead of seconds', String(nowMs)],
    ['a number, not a string', 1_700_000_000],
    ['an array', [sec(0)]],
    ['missing', undefined],
  ])('%s → false', (_name, ts) => {
    expect(checkTimestamp(ts, nowMs)).toBe(false);
  });

  it('honours a custom tolerance', () => {
    expect(checkTimestamp(sec(-60), nowMs, 30)).toBe(false);
    expect(checkTimestamp(sec(-30), nowMs, 30)).toBe(true);
  });
});
