// Hardened parsing of WeCom's flat XML documents: the callback envelope (§2.1, parsed before the
// signature can be checked, so hostile) and the decrypted message (§2.3). RELIABILITY.md "XML".
//
// Order of defences, cheapest first:
//   1. scan(): one linear pass over the markup, no backtracking. Refuses DTDs (no entity tricks can
//      follow), nesting deeper than MAX_DEPTH and a second root element.
//   2. XMLValidator: well-formedness (fast-xml-parser's parser itself accepts mismatched tags).
//   3. XMLParser with entities, value parsing and attributes off, so text stays exactly as sent.
//   4. toRecord(): copies the result into null-prototype objects, dropping prototype-related names.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BadRequestError } from '../../errors.ts';

export interface Envelope {
  toUserName?: string;
  encrypt: string;
  agentId?: string;
}

export interface ReplyEnvelope {
  encrypt: string;
  signature: string;
  timestamp: string;
  nonce: string;
}

// WeCom's deepest document is template_card_event: xml > SelectedItems > SelectedItem > OptionIds > OptionId.
const MAX_DEPTH = 32;
// Tag names that could reach a prototype are renamed to this (a name no XML tag can have) and dropped.
const DROPPED = '#dropped';
const PROTO_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
// Stands in for CR inside CDATA while parsing: the parser turns CRLF into LF (XML 1.0 §2.11), but a
// user's text should reach us as sent. U+FFFF is not an XML character, so documents holding it are refused.
const CR_MARK = '\uFFFF';

// Built once: this runs on every callback (twice: envelope, then message).
const parser = new XMLParser({
  processEntities: false, // no entity expansion at all (billion laughs, XXE); `&amp;` stays literal
  htmlEntities: false,
  parseTagValue: false, // MsgId `4561255354251345929`, `0012`, `1e3`, `0x10` stay exact strings
  parseAttributeValue: false,
  ignoreAttributes: true,
  trimValues: true, // drops indentation between elements; CDATA text is never trimmed
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_DEPTH, // scan() already enforces this; kept as a second line
  transformTagName: (name) => (PROTO_NAMES.has(name) ? DROPPED : name),
});

/** Parses the POST envelope `<xml><ToUserName/><Encrypt/><AgentID/></xml>` (§2.1). */
export function parseEnvelope(body: string): Envelope {
  const doc = parseDocument(body);
  const encrypt = textField(doc, 'Encrypt');
  if (!encrypt) throw new BadRequestError('xml_missing_field', 'Encrypt is missing');
  const envelope: Envelope = { encrypt };
  const toUserName = textField(doc, 'ToUserName');
  if (toUserName !== undefined) envelope.toUserName = toUserName;
  const agentId = textField(doc, 'AgentID');
  if (agentId !== undefined) envelope.agentId = agentId;
  return envelope;
}

/**
 * Parses a decrypted message or event: the children of `<xml>` as strings; nested elements (SelectedItems)
 * as null-prototype objects, repeated elements as arrays. Field semantics are the caller's business.
 */
export function parseMessage(xml: string): Record<string, unknown> {
  return parseDocument(xml);
}

/** The encrypted passive-reply envelope (§2.6). */
export function buildReplyEnvelope({ encrypt, signature, timestamp, nonce }: ReplyEnvelope): string {
  // Values come from our own crypto and clock; a `]]>` or a non-digit timestamp is a programming error.
  if (!/^[0-9]+$/.test(timestamp)) throw new Error('reply timestamp must be digits');
  for (const value of [encrypt, signature, nonce]) {
    if (value.includes(']]>')) throw new Error('reply value cannot contain "]]>"');
  }
  return (
    `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt>` +
    `<MsgSignature><![CDATA[${signature}]]></MsgSignature>` +
    `<TimeStamp>${timestamp}</TimeStamp>` +
    `<Nonce><![CDATA[${nonce}]]></Nonce></xml>`
  );
}

function parseDocument(input: string): Record<string, unknown> {
  if (typeof input !== 'string') throw malformed('body is not text');
  // A leading BOM is legal XML (XML 1.0 §4.3.3) and WeCom never signs the envelope bytes, so it is
  // stripped rather than refused: refusing would turn a harmless encoding artifact into a lost message.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  // Only one: XMLValidator silently skips a BOM of its own, which would let a second one through.
  if (text.charCodeAt(0) === 0xfeff) throw malformed('more than one BOM');
  const flat = parseFlatDocument(text);
  if (flat !== undefined) return flat;
  return parseDocumentFully(text);
}

/** Steps 1–4 of the header comment, on a document whose BOM is already handled. */
export function parseDocumentFully(text: string): Record<string, unknown> {
  const prepared = scan(text);
  if (XMLValidator.validate(text) !== true) throw malformed('not well-formed XML');

  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(prepared) as Record<string, unknown>;
  } catch {
    throw malformed('not well-formed XML');
  }
  const root = parsed['xml'];
  if (root === undefined) throw new BadRequestError('xml_missing_field', 'root element <xml> is missing');
  if (root === '') return Object.create(null) as Record<string, unknown>;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw malformed('<xml> must contain elements');
  }
  return toRecord(root as Record<string, unknown>, prepared !== text);
}

// Fast path (performance): every document WeCom sends except template_card_event is flat — `<xml>`, then
// `<Name>text</Name>` or `<Name><![CDATA[text]]></Name>` children separated by whitespace. Such documents are
// well-formed by construction, so they skip the validator and the general parser (envelope + message went
// from ~50 µs to ~6 µs, of a callback that cost ~130 µs in all). The grammar is deliberately narrow:
// anything outside it — a declaration, comment, attribute, nesting, repeated or prototype-related name,
// entity, CR, control character, text needing trimming, empty value — returns undefined and goes through
// the full pipeline, so every refusal stays where it was. For what it accepts it must return exactly what
// parseDocumentFully returns (checked by bench/lib/xml-fastpath-check.ts).
const FLAT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
// \r (CRLF handling), other C0 controls but \t \n, and the non-characters U+FFFE/U+FFFF.
const FLAT_UNUSUAL = /[\x00-\x08\x0B-\x1F\uFFFE\uFFFF]/;
const MAX_FLAT_FIELDS = 64;

export function parseFlatDocument(s: string): Record<string, unknown> | undefined {
  if (!s.startsWith('<xml>') || FLAT_UNUSUAL.test(s)) return undefined;
  const out = Object.create(null) as Record<string, unknown>;
  let fields = 0;
  let i = skipSpace(s, 5);
  while (!s.startsWith('</xml>', i)) {
    if (s.charCodeAt(i) !== 0x3c /* < */ || ++fields > MAX_FLAT_FIELDS) return undefined;
    const gt = s.indexOf('>', i + 1);
    if (gt === -1) return undefined;
    const name = s.slice(i + 1, gt);
    // `name in Object.prototype`: fast-xml-parser renames those (toString → __toString); leave it to it.
    if (!FLAT_NAME.test(name) || name in Object.prototype || out[name] !== undefined) return undefined;
    let j = gt + 1;
    let value: string;
    if (s.startsWith('<![CDATA[', j)) {
      const end = s.indexOf(']]>', j + 9);
      if (end <= j + 9) return undefined; // unterminated or empty
      value = s.slice(j + 9, end);
      j = end + 3;
    } else {
      const lt = s.indexOf('<', j);
      if (lt <= j) return undefined; // no end, or an empty element
      value = s.slice(j, lt);
      if (value.includes('&') || value.includes('>') || value.trim() !== value) return undefined;
      j = lt;
    }
    // The end tag must follow at once: `</Name>` exactly.
    if (s.charCodeAt(j) !== 0x3c || s.charCodeAt(j + 1) !== 0x2f || !s.startsWith(name, j + 2) || s.charCodeAt(j + 2 + name.length) !== 0x3e) {
      return undefined;
    }
    out[name] = value;
    i = skipSpace(s, j + name.length + 3);
  }
  if (fields === 0 || skipSpace(s, i + 6) !== s.length) return undefined;
  return out;
}

function skipSpace(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09) return i;
    i++;
  }
}

/**
 * One pass from '<' to '<' with indexOf (linear, no regex): refuses markup declarations
 * (`<!DOCTYPE`, `<!ENTITY`, … in any case), depth > MAX_DEPTH and more than one root. CDATA and
 * comments are skipped as the parser skips them, so a user's message may contain the text
 * "<!DOCTYPE" inside CDATA. Returns the text with CRs inside CDATA replaced by CR_MARK.
 */
function scan(s: string): string {
  const hasCR = s.includes('\r');
  if (hasCR && s.includes(CR_MARK)) throw malformed('U+FFFF is not an XML character');
  let out = '';
  let copied = 0;
  let depth = 0;
  let roots = 0;
  let i = s.indexOf('<');
  while (i !== -1) {
    const c = s.charCodeAt(i + 1);
    let end: number;
    if (c === 0x21 /* ! */) {
      if (s.startsWith('<![CDATA[', i)) {
        end = s.indexOf(']]>', i + 9);
        if (end === -1) throw malformed('unterminated CDATA');
        if (hasCR) {
          const cr = s.indexOf('\r', i + 9);
          if (cr !== -1 && cr < end) {
            out += s.slice(copied, cr) + s.slice(cr, end).replaceAll('\r', CR_MARK);
            copied = end;
          }
        }
        end += 3;
      } else if (s.startsWith('<!--', i)) {
        end = s.indexOf('-->', i + 4);
        if (end === -1) throw malformed('unterminated comment');
        end += 3;
      } else if (isAsciiLetter(s.charCodeAt(i + 2))) {
        // DOCTYPE, ENTITY, ELEMENT, ATTLIST, NOTATION: WeCom never sends a DTD.
        throw new BadRequestError('xml_dtd', 'DTD and entity declarations are not accepted');
      } else {
        throw malformed('unexpected "<!"');
      }
    } else if (c === 0x3f /* ? */) {
      end = s.indexOf('?>', i + 2);
      if (end === -1) throw malformed('unterminated processing instruction');
      end += 2;
    } else {
      end = s.indexOf('>', i + 1);
      if (end === -1) throw malformed('unterminated tag');
      end += 1;
      if (c === 0x2f /* / */) {
        depth--;
      } else {
        if (depth === 0 && ++roots > 1) throw malformed('more than one root element');
        const selfClosing = s.charCodeAt(end - 2) === 0x2f;
        if (!selfClosing && ++depth > MAX_DEPTH) {
          throw new BadRequestError('xml_too_deep', `XML nesting deeper than ${MAX_DEPTH}`);
        }
      }
    }
    i = s.indexOf('<', end);
  }
  return copied === 0 ? s : out + s.slice(copied);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Copies parser output into null-prototype objects, dropping prototype-related names, restoring CRs. */
function toRecord(node: Record<string, unknown>, restoreCR: boolean): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(node)) {
    if (key !== DROPPED) out[key] = toValue(node[key], restoreCR);
  }
  return out;
}

function toValue(value: unknown, restoreCR: boolean): unknown {
  if (typeof value === 'string') return restoreCR ? value.replaceAll(CR_MARK, '\r') : value;
  if (Array.isArray(value)) return value.map((v) => toValue(v, restoreCR));
  if (typeof value === 'object' && value !== null) return toRecord(value as Record<string, unknown>, restoreCR);
  return String(value); // unreachable with parseTagValue off; keeps the "strings only" promise
}

/** A field that must be a single text element; a repeated or nested one is refused, not guessed at. */
function textField(doc: Record<string, unknown>, name: string): string | undefined {
  const value = doc[name];
  if (value === undefined || typeof value === 'string') return value;
  throw malformed(`${name} must be a single text element`);
}

function malformed(message: string): BadRequestError {
  return new BadRequestError('xml_malformed', message);
}
