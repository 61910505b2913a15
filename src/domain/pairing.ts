// Pairing (结对帮扶, MECHANISM 1.2): when a helper is due a nudge for want of contact, and who is a leading cadre
// owing a pairing. Pure: dates are 'YYYY-MM-DD', the nudge interval is the setting pairing_nudge_days.
import { addDays, toDayNumber, type IsoDate } from './dates.ts';
import { isLeadingCadre } from './roster.ts';

export { isLeadingCadre };

/** A helper's due nudge: since when there has been no contact, for how many days, and the nudge's period. */
export interface PairingNudge {
  /** The later of the pairing's start and the last contact. */
  since: IsoDate;
  daysWithout: number;
  /**
   * The nominal day of this nudge: `since` plus a whole number of intervals. It is the notice's period, so the
   * sweep's UNIQUE key sends one nudge per interval however many days the planner sees it (a nudge whose day is
   * not a working day goes on the next one, under the same period), the next one an interval later if there is
   * still no contact, and a contact starts the count again from the contact's day.
   */
  period: IsoDate;
}

/**
 * The nudge due on `today` for a pairing started on `startedOn` and last contacted on `lastContactOn` (null:
 * never), or undefined when the last `days` days had contact.
 */
export function pairingNudge(p: { startedOn: IsoDate; lastContactOn: IsoDate | null; today: IsoDate; days: number }): PairingNudge | undefined {
  if (!Number.isInteger(p.days) || p.days < 1) throw new RangeError(`pairing nudge interval must be a whole number of days ≥ 1, not ${p.days}`);
  const since = p.lastContactOn !== null && p.lastContactOn > p.startedOn ? p.lastContactOn : p.startedOn;
  const daysWithout = toDayNumber(p.today) - toDayNumber(since);
  if (daysWithout < p.days) return undefined;
  return { since, daysWithout, period: addDays(since, Math.floor(daysWithout / p.days) * p.days) };
}

/** A leading cadre as the monthly list reads them: does any live pairing have them as a helper, are they exempt. */
export interface CadreStanding {
  memberId: string;
  cadreLevel: string | null;
  helps: boolean;
  exemption: string | null;
}

/**
 * The OD's monthly list (MECHANISM 1.2: in principle every leading cadre contacts at least one member in hardship):
 * the leading cadres (副科级及以上) who help nobody, and apart from them the exempt ones (with the reason recorded).
 * An exempt cadre who helps someone all the same is on neither list.
 */
export function cadresWithoutPairing<C extends CadreStanding>(cadres: readonly C[]): { unpaired: C[]; exempt: C[] } {
  const leading = cadres.filter((c) => isLeadingCadre(c.cadreLevel) && !c.helps);
  return { unpaired: leading.filter((c) => c.exemption === null), exempt: leading.filter((c) => c.exemption !== null) };
}
