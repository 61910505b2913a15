import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { type QuietHours, isQuiet, nextAllowedInstant, parseQuietHours, replyDelivery } from '../../src/domain/quiet-hours.ts';

const SH = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';
const NIGHT = parseQuietHours('21:00-08:00')!;
const LUNCH = parseQuietHours('12:00-13:00')!;

const at = (iso: string) => new Date(iso);
const next = (iso: string, tz: string, q: QuietHours | null) => nextAllowedInstant(at(iso), tz, q).toISOString();

describe('parseQuietHours', () => {
  it('reads windows in seconds of the day', () => {
    expect(NIGHT).toMatchObject({ start: 21 * 3600, end: 8 * 3600 });
    expect(LUNCH).toMatchObject({ start: 12 * 3600, end: 13 * 3600 });
    expect(parseQuietHours(' 22:30 - 7:15 ')).toMatchObject({ start: 22.5 * 3600, end: 7.25 * 3600 });
    expect(parseQuietHours('22:00-00:00')).toMatchObject({ start: 22 * 3600, end: 0 });
  });

  it('empty switches quiet hours off', () => {
    expect(parseQuietHours('')).toBeNull();
    expect(parseQuietHours('   ')).toBeNull();
  });

  it.each(['21:00', '21:00-', '25:00-08:00', '21:60-08:00', '08:00-08:00', 'night', '21-08', '21:00–08:00'])('refuses %j naming QUIET_HOURS', (spec) => {
    expect(() => parseQuietHours(spec)).toThrow(ConfigError);
    expect(() => parseQuietHours(spec)).toThrow(/QUIET_HOURS/);
  });
});

describe('Asia/Shanghai, 21:00-08:00', () => {
  it.each([
    ['2026-03-10T20:59:59.999+08:00', false],
    ['2026-03-10T21:00:00+08:00', true],
    ['2026-03-10T23:59:59+08:00', true],
    ['2026-03-11T00:00:00+08:00', true],
    ['2026-03-11T07:59:59+08:00', true],
    ['2026-03-11T08:00:00+08:00', false],
    ['2026-03-11T12:00:00+08:00', false],
  ])('%s quiet: %s', (iso, quiet) => {
    expect(isQuiet(at(iso), SH, NIGHT)).toBe(quiet);
  });

  it('waits until 08:00 local', () => {
    expect(next('2026-03-10T21:30:00+08:00', SH, NIGHT)).toBe('2026-03-11T00:00:00.000Z'); // next day 08:00
    expect(next('2026-03-10T21:00:00+08:00', SH, NIGHT)).toBe('2026-03-11T00:00:00.000Z');
    expect(next('2026-03-11T07:59:00+08:00', SH, NIGHT)).toBe('2026-03-11T00:00:00.000Z'); // same day 08:00
    expect(next('2026-03-11T00:00:00+08:00', SH, NIGHT)).toBe('2026-03-11T00:00:00.000Z');
    expect(next('2025-12-31T22:00:00+08:00', SH, NIGHT)).toBe('2026-01-01T00:00:00.000Z'); // across the year
  });

  it('allowed instants go as they are', () => {
    expect(next('2026-03-11T08:00:00+08:00', SH, NIGHT)).toBe('2026-03-11T00:00:00.000Z');
    expect(next('2026-03-10T20:59:59+08:00', SH, NIGHT)).toBe('2026-03-10T12:59:59.000Z');
  });

  it('off means never quiet', () => {
    expect(isQuiet(at('2026-03-10T23:00:00+08:00'), SH, null)).toBe(false);
    const t = at('2026-03-10T23:00:00+08:00');
    const r = nextAllowedInstant(t, SH, null);
    expect(r.getTime()).toBe(t.getTime());
    expect(r).not.toBe(t);
  });
});

describe('a window that does not cross midnight, 12:00-13:00', () => {
  it('is quiet only inside it', () => {
    expect(isQuiet(at('2026-03-10T11:59:59+08:00'), SH, LUNCH)).toBe(false);
    expect(isQuiet(at('2026-03-10T12:00:00+08:00'), SH, LUNCH)).toBe(true);
    expect(isQuiet(at('2026-03-10T12:59:59+08:00'), SH, LUNCH)).toBe(true);
    expect(isQuiet(at('2026-03-10T13:00:00+08:00'), SH, LUNCH)).toBe(false);
    expect(isQuiet(at('2026-03-10T23:00:00+08:00'), SH, LUNCH)).toBe(false);
  });

  it('waits until 13:00 the same day', () => {
    expect(next('2026-03-10T12:00:00+08:00', SH, LUNCH)).toBe('2026-03-10T05:00:00.000Z');
    expect(next('2026-03-10T12:59:00+08:00', SH, LUNCH)).toBe('2026-03-10T05:00:00.000Z');
  });
});

describe('Europe/Berlin, with daylight saving time', () => {
  it('reads local time with the offset of the day', () => {
    expect(isQuiet(at('2026-01-15T19:59:59Z'), BERLIN, NIGHT)).toBe(false); // 20:59:59 CET
    expect(isQuiet(at('2026-01-15T20:00:00Z'), BERLIN, NIGHT)).toBe(true); // 21:00 CET
    expect(isQuiet(at('2026-07-15T18:59:59Z'), BERLIN, NIGHT)).toBe(false); // 20:59:59 CEST
    expect(isQuiet(at('2026-07-15T19:00:00Z'), BERLIN, NIGHT)).toBe(true); // 21:00 CEST
    expect(next('2026-07-15T19:00:00Z', BERLIN, NIGHT)).toBe('2026-07-16T06:00:00.000Z'); // 08:00 CEST
  });

  it('over the spring-forward night, 08:00 is 08:00 CEST', () => {
    expect(next('2026-03-28T20:30:00Z', BERLIN, NIGHT)).toBe('2026-03-29T06:00:00.000Z');
  });

  it('over the fall-back night, 08:00 is 08:00 CET', () => {
    expect(next('2026-10-24T20:00:00Z', BERLIN, NIGHT)).toBe('2026-10-25T07:00:00.000Z');
  });

  it('a window end skipped by the clock ends at the jump', () => {
    // 02:30 does not exist on 2026-03-29: the clock goes from 02:00 CET to 03:00 CEST at 01:00 UTC.
    const q = parseQuietHours('21:00-02:30')!;
    expect(next('2026-03-28T21:00:00Z', BERLIN, q)).toBe('2026-03-29T01:00:00.000Z');
    expect(isQuiet(at('2026-03-29T00:59:59Z'), BERLIN, q)).toBe(true);
  });

  it('a window end passed twice (02:30 CEST, then 02:30 CET) ends at the next one', () => {
    const q = parseQuietHours('01:00-02:30')!;
    expect(next('2026-10-24T23:30:00Z', BERLIN, q)).toBe('2026-10-25T00:30:00.000Z'); // 01:30 CEST → 02:30 CEST
    expect(isQuiet(at('2026-10-25T00:45:00Z'), BERLIN, q)).toBe(false); // 02:45 CEST
    expect(isQuiet(at('2026-10-25T01:10:00Z'), BERLIN, q)).toBe(true); // 02:10 CET, the clock went back
    expect(next('2026-10-25T01:10:00Z', BERLIN, q)).toBe('2026-10-25T01:30:00.000Z'); // 02:30 CET
  });

  it('is the first allowed instant, around both transitions and in both zones', () => {
    const cases: [string, QuietHours, string, string][] = [
      [BERLIN, NIGHT, '2026-03-27T12:00:00Z', '2026-03-30T12:00:00Z'],
      [BERLIN, NIGHT, '2026-10-23T12:00:00Z', '2026-10-26T12:00:00Z'],
      [BERLIN, parseQuietHours('01:00-02:30')!, '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z'],
      [SH, LUNCH, '2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z'],
    ];
    for (const [tz, q, from, to] of cases) {
      for (let t = Date.parse(from); t < Date.parse(to); t += 7 * 60_000) {
        const r = nextAllowedInstant(new Date(t), tz, q).getTime();
        expect(r).toBeGreaterThanOrEqual(t);
        expect(isQuiet(new Date(r), tz, q)).toBe(false);
        if (r > t) {
          // Quiet all the way up to r: the second before it and points in between.
          for (let k = 1; k <= 8; k++) expect(isQuiet(new Date(t + Math.floor(((r - 1000 - t) * k) / 8)), tz, q)).toBe(true);
        }
      }
    }
  });
});

describe('replyDelivery (issue 11, point 13)', () => {
  const night = at('2026-11-26T14:00:00Z'); // 22:00 in Shanghai
  const day = at('2026-11-26T02:00:00Z'); // 10:00

  it('the answer to the writer goes at once, even at night', () => {
    expect(replyDelivery('zhou', 'zhou', night, SH, NIGHT)).toEqual({ push: false });
  });

  it('a card to someone else is a push held until quiet hours end', () => {
    expect(replyDelivery('owner', 'writer', night, SH, NIGHT)).toEqual({ push: true, notBefore: at('2026-11-27T00:00:00Z') });
    expect(replyDelivery('owner', 'writer', at('2026-11-26T23:30:00Z'), SH, NIGHT)).toEqual({ push: true, notBefore: at('2026-11-27T00:00:00Z') });
  });

  it('by day, or with quiet hours off, it is a push that may go now', () => {
    expect(replyDelivery('owner', 'writer', day, SH, NIGHT)).toEqual({ push: true });
    expect(replyDelivery('owner', 'writer', night, SH, null)).toEqual({ push: true });
  });
});
