// DingTalk's event-subscription crypto (wecom-protocol.md §4.4, §5.1) and the robot's HMAC sign (§5.3), checked
// against the published DT1 vector, a hand-computed HMAC, and an independent signer (test/helpers/dingtalk-signer.ts).
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors.ts';
import { DingtalkCrypto } from '../../src/platforms/dingtalk/crypto.ts';
import { checkRobotTimestamp, robotSign, verifyRobotSign } from '../../src/platforms/dingtalk/signature.ts';
import type { DingtalkConfig } from '../../src/platforms/dingtalk/config.ts';
import { DINGTALK, encryptBlock, openEncrypted, plainBlock, robotHeaders, sha1Signature } from '../helpers/dingtalk-signer.ts';

// DT1, copied from docs/wecom-test-vectors.json (source: open-dingtalk/DingTalk-Callback-Crypto, §4.4).
const DT1 = {
  token: 'mryue',
  aesKey: 'Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7',
  ownerKey: 'ding6ccabc44d2c8d38b',
  signature: '03044561471240d4a14bb09372dfcfd4fd0e40cb',
  timestamp: '1608001896814',
  nonce: 'WL4PK6yA',
  encrypt: '0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3',
};
const dt1 = () => new DingtalkCrypto({ aesKey: DT1.aesKey, token: DT1.token, ownerKey: DT1.ownerKey });
const ours = () => new DingtalkCrypto({ aesKey: DINGTALK.aesKey, token: DINGTALK.token, ownerKey: DINGTALK.appKey });

function expectRefusal(fn: () => unknown, code: string): void {
  expect(fn).toThrow(BadRequestError);
  expect(fn).toThrow(expect.objectContaining({ code, httpStatus: 400 }));
}

describe('the DT1 vector', () => {
  it('signature OK; a changed byte or another token is not', () => {
    expect(dt1().verify(DT1.timestamp, DT1.nonce, DT1.encrypt, DT1.signature)).toBe(true);
    expect(dt1().verify(DT1.timestamp, DT1.nonce, DT1.encrypt, DT1.signature.toUpperCase())).toBe(true);
    expect(dt1().verify(DT1.timestamp, DT1.nonce, DT1.encrypt, `${DT1.signature.slice(0, -1)}0`)).toBe(false);
    expect(dt1().verify('1608001896815', DT1.nonce, DT1.encrypt, DT1.signature)).toBe(false);
    expect(new DingtalkCrypto({ aesKey: DT1.aesKey, token: 'other', ownerKey: DT1.ownerKey }).verify(DT1.timestamp, DT1.nonce, DT1.encrypt, DT1.signature)).toBe(false);
    expect(dt1().sign(DT1.timestamp, DT1.nonce, DT1.encrypt)).toBe(DT1.signature);
  });

  it('decrypts to check_url for the owner key, padded with 31', () => {
    expect(dt1().decrypt(DT1.encrypt)).toBe('{"EventType":"check_url"}');
    const raw = openEncrypted(DT1.aesKey, DT1.encrypt);
    expect(raw.ownerKey).toBe(DT1.ownerKey);
    expect(raw.pad).toBe(31);
  });

  it('re-encrypting with the same random gives the vector back, byte for byte', () => {
    const { random } = openEncrypted(DT1.aesKey, DT1.encrypt);
    expect(dt1().encrypt('{"EventType":"check_url"}', Buffer.from(random))).toBe(DT1.encrypt);
  });

  it('another owner key (a CorpId, another app) is refused', () => {
    const other = new DingtalkCrypto({ aesKey: DT1.aesKey, token: DT1.token, ownerKey: 'dingothercorp' });
    expectRefusal(() => other.decrypt(DT1.encrypt), 'bad_receive_id');
  });
});

describe('strict decryption', () => {
  const c = ours();
  const block = (message: string, o: Parameters<typeof plainBlock>[2] = {}) => encryptBlock(DINGTALK.aesKey, plainBlock(message, DINGTALK.appKey, o));

  it('an independently encrypted event decrypts', () => {
    expect(c.decrypt(block('{"EventType":"user_leave_org"}'))).toBe('{"EventType":"user_leave_org"}');
  });

  it('bad padding: a pad byte that lies, a pad of 0, a pad beyond 32', () => {
    expectRefusal(() => c.decrypt(block('{}', { pad: (n) => Buffer.concat([Buffer.alloc(n - 1, 0x07), Buffer.from([n])]) })), 'bad_padding');
    expectRefusal(() => c.decrypt(block('{}', { pad: (n) => Buffer.alloc(n, 0) })), 'bad_padding');
    expectRefusal(() => c.decrypt(block('{}', { pad: (n) => Buffer.alloc(n, 33) })), 'bad_padding');
  });

  it('a msg_len beyond the plaintext, a non-base64 or truncated ciphertext', () => {
    expectRefusal(() => c.decrypt(block('{}', { msgLen: 4000 })), 'bad_msg_len');
    expectRefusal(() => c.decrypt('not base64!'), 'bad_base64');
    expectRefusal(() => c.decrypt(Buffer.alloc(16).toString('base64')), 'bad_length');
  });

  it('another app\'s ciphertext (same key, other owner) is refused', () => {
    expectRefusal(() => c.decrypt(encryptBlock(DINGTALK.aesKey, plainBlock('{}', 'dingsomeotherapp'))), 'bad_receive_id');
  });

  it('a key that is not 43 alphanumerics fails at construction, naming the setting and not the value', () => {
    expect(() => new DingtalkCrypto({ aesKey: 'short', token: 't', ownerKey: 'k' })).toThrow(/aes_key/);
    expect(() => new DingtalkCrypto({ aesKey: `${'a'.repeat(42)}+`, token: 't', ownerKey: 'k' })).toThrow(/aes_key/);
  });
});

describe('the success reply', () => {
  it('is encrypt("success") for the owner key, signed over our ms timestamp and nonce', () => {
    const reply = ours().successReply(1_764_500_000_123, 'nonce123');
    expect(Object.keys(reply).sort()).toEqual(['encrypt', 'msg_signature', 'nonce', 'timeStamp']);
    expect(reply.timeStamp).toBe('1764500000123');
    expect(reply.nonce).toBe('nonce123');
    const opened = openEncrypted(DINGTALK.aesKey, reply.encrypt);
    expect(opened).toMatchObject({ message: 'success', ownerKey: DINGTALK.appKey });
    // "success" + 20 header bytes + 18-byte owner key = 45 bytes: padded with 19 to 64.
    expect(opened.pad).toBe(19);
    expect(reply.msg_signature).toBe(sha1Signature(DINGTALK.token, reply.timeStamp, reply.nonce, reply.encrypt));
  });

  it('a fresh nonce and random each time', () => {
    const a = ours().successReply(1);
    const b = ours().successReply(1);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.encrypt).not.toBe(b.encrypt);
  });

  it('fromConfig: none without the subscription\'s key and token (Stream mode)', () => {
    const cfg: DingtalkConfig = {
      appKey: DINGTALK.appKey, appSecret: DINGTALK.appSecret, robotCode: DINGTALK.appKey, agentId: undefined,
      aesKey: undefined, token: undefined, mode: 'stream', sendVia: 'robot', apiBase: 'http://x', oapiBase: 'http://x',
    };
    expect(DingtalkCrypto.fromConfig(cfg)).toBeUndefined();
    expect(DingtalkCrypto.fromConfig({ ...cfg, aesKey: DINGTALK.aesKey })).toBeUndefined();
    const c = DingtalkCrypto.fromConfig({ ...cfg, aesKey: DINGTALK.aesKey, token: DINGTALK.token })!;
    expect(c.decrypt(encryptBlock(DINGTALK.aesKey, plainBlock('{"a":1}', DINGTALK.appKey)))).toBe('{"a":1}');
  });
});

describe('the robot sign', () => {
  it('matches a value computed by hand', () => {
    // printf '1577262236757\nSECRET' | openssl dgst -sha256 -hmac SECRET -binary | base64
    //   → nMzfKm2lvXsZfUK35DlvagPfeG7dRuvMidkuKE5Xq0A=
    expect(robotSign('SECRET', '1577262236757')).toBe('nMzfKm2lvXsZfUK35DlvagPfeG7dRuvMidkuKE5Xq0A=');
    expect(verifyRobotSign('SECRET', '1577262236757', 'nMzfKm2lvXsZfUK35DlvagPfeG7dRuvMidkuKE5Xq0A=')).toBe(true);
  });

  it('agrees with the independent signer; anything else is false, never a throw', () => {
    const h = robotHeaders(DINGTALK.appSecret, 1_764_500_000_000);
    expect(verifyRobotSign(DINGTALK.appSecret, h.timestamp, h.sign)).toBe(true);
    expect(verifyRobotSign(DINGTALK.appSecret, '1764500000001', h.sign)).toBe(false);
    expect(verifyRobotSign('other secret', h.timestamp, h.sign)).toBe(false);
    for (const bad of [undefined, '', 'abc', ['x'], `${h.sign} `, h.sign.replace(/=$/, ''), `${h.sign[0] === 'A' ? 'B' : 'A'}${h.sign.slice(1)}`]) {
      expect(verifyRobotSign(DINGTALK.appSecret, h.timestamp, bad)).toBe(false);
    }
  });

  it('timestamp: ms, within an hour either way', () => {
    const now = 1_764_500_000_000;
    expect(checkRobotTimestamp(String(now - 3_600_000), now)).toBe(true);
    expect(checkRobotTimestamp(String(now + 3_600_000), now)).toBe(true);
    expect(checkRobotTimestamp(String(now - 3_600_001), now)).toBe(false);
    expect(checkRobotTimestamp(String(now + 3_600_001), now)).toBe(false);
    // Seconds are an hour off by far: refused.
    expect(checkRobotTimestamp(String(now / 1000), now)).toBe(false);
    for (const bad of [undefined, '', '-1', '1.5e12', ' 1764500000000', ['1764500000000']]) expect(checkRobotTimestamp(bad, now)).toBe(false);
  });
});
