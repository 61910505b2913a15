import { describe, expect, it } from 'vitest';
import { storable, storableText } from '../../src/ingest/storable.ts';

describe('what PostgreSQL cannot store, made storable (issue 8 point 5)', () => {
  it('drops NUL and replaces lone surrogates, keeps pairs and plain text as they are', () => {
    expect(storableText('a\u0000b\u0000')).toBe('ab');
    expect(storableText('x\uD800y')).toBe('x\uFFFDy');
    expect(storableText('\uDC00x\uD83D')).toBe('\uFFFDx\uFFFD');
    expect(storableText('谈心😀')).toBe('谈心😀');
    const plain = '今天和张伟谈心了';
    expect(storableText(plain)).toBe(plain);
  });

  it('cleans every string of a payload, keys included, and keeps a __proto__ key as data', () => {
    const payload = JSON.parse('{"text":"a\\u0000b","selected":{"q\\u0000":["o\\ud800"],"__proto__":["x"]},"n":1,"ok":true,"none":null}');
    const out = storable(payload);
    expect(out).toEqual({ text: 'ab', selected: { q: ['o\uFFFD'], ['__proto__']: ['x'] }, n: 1, ok: true, none: null });
    expect(Object.keys(out.selected)).toContain('__proto__');
    expect(JSON.stringify(out)).not.toMatch(/\\u0000|\\ud800/i);
  });
});
