// What PostgreSQL cannot store, made storable: text and jsonb refuse U+0000 (SQLSTATE 22021 / 22P05), and a
// lone UTF-16 surrogate is not a character at all (jsonb refuses its \uD800 escape; text would get bytes
// that are not UTF-8). A chat message keeps its meaning without them, so NUL is dropped and a lone
// surrogate becomes U+FFFD rather than the whole message being refused.

const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(s: string): string {
  // The common case (plain text, well-formed pairs only) costs one scan and no copy.
  if (!SUSPECT.test(s)) return s;
  return s.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
}

/** A copy of a JSON-like value with every string (object keys included) made storable. */
export function storable<T>(value: T): T {
  return clean(value) as T;
}

function clean(v: unknown): unknown {
  if (typeof v === 'string') return storableText(v);
  if (Array.isArray(v)) return v.map(clean);
  if (v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null)) {
    const out: Record<string, unknown> = {};
    // defineProperty: a key named __proto__ (an XML tag can be) stays data, not the copy's prototype.
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, storableText(k), { value: clean(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}
