// Differential check of the flat-document fast path in src/platforms/wecom/xml.ts: for every document the
// fast path accepts, the full pipeline (scan, validator, fast-xml-parser, toRecord) must return exactly the
// same record — and must not refuse it. Documents come from a small grammar around the fast path's
// boundaries plus random one-character mutations of valid ones. Deterministic (seeded).
//   tsx bench/lib/xml-fastpath-check.ts [ITERATIONS]      exit 1 on the first disagreement
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parseDocumentFully, parseFlatDocument } from '../../src/platforms/wecom/xml.ts';

/** mulberry32: small, seeded, good enough to pick test cases. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content', 'MsgId', 'AgentID', 'Encrypt', 'A', 'b_1', 'xml', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'a:b', '1a', '_x', 'Ab-c', 'X'.repeat(70), 'é'];
const CHARS = ['\u2028', '\u0085', '\u200b', '\u0000', 'a', 'Z', '0', '9', ' ', '\t', '\n', '\r', '<', '>', '&', '&amp;', ';', ']', ']]', ']]>', '[', '!', '/', '"', "'", '=', '?', '-', '\u3000', '\u00a0', '\ufeff', '\u0001', '\u000b', '\u001f', '\uffff', '\ufffe', '😀', '中文', 'é', '\ud800', '<![CDATA[', '<!--', '-->'];
const SPACE = ['', '', '', ' ', '\n', '\t', '\r\n', '\u3000', '\u00a0'];

export function checkFastPath(iterations = 200_000, seed = 20261126): { accepted: number; total: number } {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  // Half of the documents are mostly benign (so many reach the fast path), half are hostile.
  let weird = 0.4;
  const text = (max: number) => {
    let t = '';
    const n = Math.floor(r() * max);
    for (let i = 0; i < n; i++) t += r() >= weird ? pick(['a', 'b', '1', '2', '中', ' ', '😀']) : pick(CHARS);
    return t;
  };
  const child = (): string => {
    const name = r() < 0.8 ? pick(NAMES.slice(0, 10)) : pick(NAMES);
    const close = r() < 0.97 ? name : pick(NAMES);
    const k = r();
    if (k < 0.5) return `<${name}><![CDATA[${text(12)}]]></${close}>`;
    if (k < 0.9) return `<${name}>${text(8)}</${close}>`;
    if (k < 0.93) return `<${name}/>`;
    if (k < 0.97) return `<${name}>${child()}</${close}>`;
    return `<${name} a="1">${text(4)}</${close}>`;
  };
  // WeCom-like: distinct names, values in CDATA or bare, an occasional odd character.
  const wecomLike = (): string => {
    const names = NAMES.slice(0, 10).sort(() => r() - 0.5).slice(0, 1 + Math.floor(r() * 9));
    let body = '';
    const space = () => (r() < 0.97 ? pick(['', '\n', ' ', '\n  ']) : pick(SPACE));
    for (const name of names) {
      const v = `${pick(['x', '1', '中'])}${text(10)}${pick(['x', '9', '文', '😀'])}`;
      body += space() + (r() < 0.5 ? `<${name}><![CDATA[${v}]]></${name}>` : `<${name}>${v}</${name}>`);
    }
    return `<xml>${body}${space()}</xml>${space()}`;
  };
  const doc = (): string => {
    weird = r() < 0.5 ? 0.01 : 0.4;
    if (r() < 0.4) return wecomLike();
    const n = Math.floor(r() * 8);
    let body = '';
    for (let i = 0; i < n; i++) body += pick(SPACE) + child();
    let d = `<xml>${body}${pick(SPACE)}</xml>${pick(SPACE)}`;
    if (r() < 0.05) d = `<?xml version="1.0"?>${d}`;
    if (r() < 0.03) d = `<!-- c -->${d}`;
    if (r() < 0.03) d += '<xml></xml>';
    // One-character mutations of an otherwise valid document.
    const m = weird < 0.1 ? 0 : Math.floor(r() * 3);
    for (let i = 0; i < m && r() < 0.5; i++) {
      const at = Math.floor(r() * (d.length + 1));
      const op = r();
      if (op < 0.34) d = d.slice(0, at) + pick(CHARS) + d.slice(at);
      else if (op < 0.67) d = d.slice(0, at) + d.slice(at + 1);
      else d = d.slice(0, at) + pick(CHARS) + d.slice(at + 1);
    }
    return d;
  };

  let accepted = 0;
  for (let i = 0; i < iterations; i++) {
    const d = doc();
    const fast = parseFlatDocument(d);
    if (fast === undefined) continue;
    accepted++;
    let full: unknown;
    try {
      full = parseDocumentFully(d);
    } catch (err) {
      throw new Error(`fast path accepted a document the full pipeline refuses (${(err as Error).message}): ${JSON.stringify(d)}`);
    }
    if (!isDeepStrictEqual({ ...fast }, { ...(full as object) }) || Object.getPrototypeOf(fast) !== null) {
      throw new Error(`fast path and full pipeline disagree on ${JSON.stringify(d)}: ${JSON.stringify(fast)} vs ${JSON.stringify(full)}`);
    }
  }
  return { accepted, total: iterations };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const n = Number(process.argv[2] ?? 200_000);
  try {
    const { accepted, total } = checkFastPath(n);
    console.log(`xml fast path: ${accepted} of ${total} generated documents took it; every one matched the full pipeline`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
