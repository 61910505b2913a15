// The reason (stage 6 of interpret.ts): every reason word found, and the one chosen by the intent's fixed
// priorities (MECHANISM.md "Canonical codes"). Pure.
import type { ReasonCode, TalkReason, VisitReason } from './lexicon.ts';
import { hasBreak } from './normalise.ts';
import type { Tok } from './scan.ts';
import type { Intent } from './types.ts';

const VISIT_PRIORITY: readonly VisitReason[] = ['death', 'bereavement', 'hospitalised', 'disaster', 'holiday', 'hardship'];
const REPORT_PRIORITY: readonly VisitReason[] = ['death', 'bereavement', 'hospitalised', 'disaster', 'hardship'];
const TALK_PRIORITY: readonly TalkReason[] = ['job_change', 'mistake', 'dispute', 'complaint', 'setback'];

export interface ReasonFind {
  visit: VisitReason | null;
  talk: TalkReason | null;
  /** tokens that leave the note when this reason is chosen */
  tokens: Tok[];
}

export function findReasons(t: string, tokens: readonly Tok[]): ReasonFind[] {
  const out: ReasonFind[] = [];
  tokens.forEach((tok, k) => {
    const lex = tok.entry?.lex;
    if (!lex) return;
    if (lex.kind === 'reason') out.push({ visit: lex.visit, talk: lex.talk, tokens: [tok] });
    else if (lex.kind === 'death') {
      // A family word before it in the same clause, with no name or 本人 in between: a family member died.
      for (let j = k - 1; j >= 0; j -= 1) {
        const before = tokens[j]!;
        if (hasBreak(t, before.end, tok.start)) break;
        if (before.entry?.lex.kind === 'family') {
          out.push({ visit: 'bereavement', talk: null, tokens: [before, tok] });
          return;
        }
        if (!before.entry || before.entry.lex.kind === 'self') break;
      }
      out.push({ visit: 'death', talk: null, tokens: [tok] });
    }
  });
  return out;
}

function choose<T extends string>(finds: readonly ReasonFind[], key: 'visit' | 'talk', priority: readonly T[]): ReasonFind | undefined {
  for (const code of priority) {
    const hit = finds.filter((f) => f[key] === code);
    if (hit.length > 0) return { visit: hit[0]!.visit, talk: hit[0]!.talk, tokens: hit.flatMap((f) => f.tokens) };
  }
  return undefined;
}

/** The record's reason by intent (a talk without one is routine), and the find it came from (its words may leave the note). */
export function chooseReason(intent: Intent, finds: readonly ReasonFind[]): { reason: ReasonCode | null; chosen: ReasonFind | undefined } {
  let reason: ReasonCode | null = null;
  let chosen: ReasonFind | undefined;
  if (intent === 'log_talk') {
    chosen = choose(finds, 'talk', TALK_PRIORITY);
    reason = chosen?.talk ?? 'routine';
  } else if (intent === 'log_visit') {
    chosen = choose(finds, 'visit', VISIT_PRIORITY);
    reason = chosen?.visit ?? null;
  } else if (intent === 'report_event') {
    chosen = choose(finds, 'visit', REPORT_PRIORITY);
    if (chosen) reason = chosen.visit;
    else {
      chosen = choose(finds, 'talk', TALK_PRIORITY);
      reason = chosen?.talk ?? null;
    }
  }
  return { reason, chosen };
}
