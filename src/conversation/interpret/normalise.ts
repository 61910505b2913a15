// Normalising a message (stage 1 of interpret.ts) and the clause arithmetic the later stages share. Pure.
import { isBreak } from './note.ts';
import { joinShortCommand, toSimplified } from './small-talk.ts';

// Pictographs, skin tones, joiners, variation selectors, keycaps; WeCom's text emoji codes such as [微笑] [强].
const EMOJI = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}\u200d\ufe0f\u20e3]|\[[\p{Script=Han}A-Za-z]{1,4}\]/gu;

/** The message as read: normalised (see writtenMessage), the traditional characters of the command and care words simplified. */
export function normalizeMessage(text: string): string {
  return toSimplified(writtenMessage(text));
}

/**
 * The message as written, normalised: NFKC, emojis dropped, line breaks as commas, spaces collapsed, a short
 * command's inner spaces joined. normalizeMessage of it has the same length: toSimplified maps character for
 * character, so offsets found in one hold in the other.
 */
export function writtenMessage(text: string): string {
  const t = text
    .normalize('NFKC')
    .replace(EMOJI, ' ')
    .replace(/[\u3002\uff61]/gu, '。')
    .replace(/\s*[\r\n]+\s*/gu, ',')
    .replace(/[\s\u3000]+/gu, ' ')
    .trim();
  return joinShortCommand(t);
}

/** The message as compared with whole-message phrases: no spaces, punctuation or symbols; ASCII lower case. */
export function compactMessage(normalized: string): string {
  return asciiLower(normalized).replace(/[\s\p{P}\p{S}]/gu, '');
}

export const asciiLower = (s: string) => (/[A-Z]/.test(s) ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s);

/** The clause number of every position of t (a break character ends its clause). */
export function clauseNumbers(t: string): Int32Array {
  const out = new Int32Array(t.length);
  let n = 0;
  for (let i = 0; i < t.length; i += 1) {
    out[i] = n;
    if (isBreak(t, i)) n += 1;
  }
  return out;
}

export function hasBreak(t: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) if (isBreak(t, i)) return true;
  return false;
}
