// Offices, not only people (MECHANISM "Who is who"): an obligation or notice owed by an office — a branch, a
// general branch (GB), the Organisation Department (OD) — goes to whoever holds it, and a vacant office passes it
// one level up: branch → GB → OD. Pure: the holders and the organisation tree are passed in.

/** The offices that owe notices and obligations, each held in one kind of organisation. */
export type OfficeRole = 'branch_secretary' | 'gb_secretary' | 'od_staff';

export interface Office {
  role: OfficeRole;
  organisationId: string;
}

export const isOfficeRole = (role: string): role is OfficeRole => role === 'branch_secretary' || role === 'gb_secretary' || role === 'od_staff';

/** Chinese names of the offices, as the OD reads them in the list of vacancies. */
export const OFFICE_TITLES: Record<OfficeRole, string> = { branch_secretary: '支部书记', gb_secretary: '党总支书记', od_staff: '组织部工作人员' };

/**
 * An office with its organisation, as a sentence names whoever holds it: 计算机学院党总支书记 (not
 * 计算机学院党总支党总支书记), 教工第一党支部书记, and the OD as 党委组织部.
 */
export function officeWords(organisationName: string, role: OfficeRole): string {
  if (role === 'od_staff') return '党委组织部';
  if (role === 'gb_secretary') return /总支$/u.test(organisationName) ? `${organisationName}书记` : `${organisationName}${OFFICE_TITLES[role]}`;
  return /支部$/u.test(organisationName) ? `${organisationName}书记` : `${organisationName}${OFFICE_TITLES[role]}`;
}

/**
 * The office one level up: a branch's is its GB's secretary, a GB's the OD of its committee; the OD has none
 * here (its own escalations reach the committee secretary: domain/obligations.ts oneLevelUp).
 */
export function officeAbove(office: Office, parentOf: (organisationId: string) => string | null | undefined): Office | undefined {
  if (office.role === 'od_staff') return undefined;
  const parent = parentOf(office.organisationId);
  if (!parent) return undefined;
  return { role: office.role === 'branch_secretary' ? 'gb_secretary' : 'od_staff', organisationId: parent };
}

export interface Answering<H> {
  /** The office whose holders answer: the one asked for, or the first held one above it. */
  office: Office;
  holders: readonly H[];
  /** The vacant offices passed over on the way up, nearest first (empty when the office is held). */
  vacant: Office[];
}

/**
 * Who answers for an office: its holders, or — when it has none — those of the first office above it that has
 * some. With no holder anywhere up the line, nobody (`holders` empty, `office` the last one tried).
 */
export function answeringOffice<H>(office: Office, holdersOf: (office: Office) => readonly H[], parentOf: (organisationId: string) => string | null | undefined): Answering<H> {
  const vacant: Office[] = [];
  let at: Office | undefined = office;
  let last = office;
  while (at) {
    last = at;
    const holders = holdersOf(at);
    if (holders.length > 0) return { office: at, holders, vacant };
    vacant.push(at);
    at = officeAbove(at, parentOf);
  }
  return { office: last, holders: [], vacant };
}
