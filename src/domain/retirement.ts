// Whether a member is retired (离退休), for the wording of what the bot says to them: a retiree's political
// birthday greeting speaks of their example, not of "their post". The roster has no column for it, and adding
// one would make every branch re-edit its sheet; what it does carry is enough:
// - the organisation: retired staff belong to the 离退休 Party organisations (离退休工作处党总支, 离退休第一党支部,
//   退休教职工党支部 …) — the usual arrangement in Chinese universities, and the demo roster's;
// - the age: 65 or more. No post at a university is held past 65 (the statutory ages are 60 for men and 55/50
//   for women, raised gradually from 2025 towards 63 and 58/55; senior staff may be kept on to 65), so past it a
//   member is retired whichever branch they stayed in. Younger members outside a 离退休 organisation are not
//   assumed retired: a working 58-year-old professor must not be told she has retired.
// - without a birth date: 47 years or more since joining the Party also means 65 or more (one joins at 18 at the
//   earliest).
import { completedYears } from './dates.ts';

export const RETIREMENT_AGE_CERTAIN = 65;
const EARLIEST_JOINING_AGE = 18;

export interface RetirementFacts {
  /** Names of the member's 党支部 and 党总支. */
  organisationNames: readonly string[];
  /** 'YYYY-MM-DD', or null when the roster does not say. */
  birthDate: string | null;
  /** 'YYYY-MM-DD' */
  joinDate: string;
  /** 'YYYY-MM-DD': the day the answer is for. */
  onDate: string;
}

export function isRetired(f: RetirementFacts): boolean {
  if (f.organisationNames.some((n) => n.includes('退休'))) return true;
  if (f.birthDate !== null) return completedYears(f.birthDate, f.onDate) >= RETIREMENT_AGE_CERTAIN;
  return completedYears(f.joinDate, f.onDate) >= RETIREMENT_AGE_CERTAIN - EARLIEST_JOINING_AGE;
}
