// The dashboard's FigureSource over PostgreSQL (issue 16): the branches of a scope, each with its figures read
// by two readers — care (care-figures-repository.ts: the roster, talks, visits, obligations, greetings) and the
// rest (other-figures-repository.ts: hardship, relief, evaluations, excellent members, announcements,
// suggestions). Each reader answers one grouped query per figure family for all the scope's branches at once,
// never a query per branch.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { FIGURE_KEYS, rollUp, sumFigures, zeroFigures, type BranchFigures, type FigureKey, type FigurePeriod, type Figures } from './figures.ts';
import type { DayCount, FigureScope, FigureSource, GeneralBranchTotals, MonthPoint } from './source.ts';

/** The branches a reader counts: all of the committee's (`all`, so a reader may skip the filter), or these. */
export interface BranchSet {
  committeeId: string;
  all: boolean;
  branchIds: readonly string[];
}

/** Part of the figures: those keys it owns, per branch id (a branch it leaves out has zeros). */
export interface FigureReader {
  readonly keys: readonly FigureKey[];
  read(branches: BranchSet, period: FigurePeriod): Promise<Map<string, Partial<Figures>>>;
}

/** The care reader also draws the year's months and visit days. */
export interface CareFigureReader extends FigureReader {
  months(branches: BranchSet, period: FigurePeriod): Promise<MonthPoint[]>;
  visitDays(branches: BranchSet, period: FigurePeriod): Promise<DayCount[]>;
}

interface BranchRow {
  branchId: string;
  branchName: string;
  generalBranchId: string;
  generalBranchName: string;
}

export class FigureRepository implements FigureSource {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly care: CareFigureReader,
    private readonly others: readonly FigureReader[],
  ) {}

  /** The branches of a scope, by general branch then branch (names in pinyin-agnostic code-point order, then id). */
  async branchesOf(scope: FigureScope): Promise<BranchRow[]> {
    const gbIds = [...(scope.generalBranchIds ?? [])];
    const branchIds = [...(scope.branchIds ?? [])];
    if (!scope.committee && gbIds.length === 0 && branchIds.length === 0) return [];
    const rows = await sql<BranchRow>`
      select b.id::text as "branchId", b.name as "branchName", gb.id::text as "generalBranchId", gb.name as "generalBranchName"
      from organisations b join organisations gb on gb.id = b.parent_id
      where b.kind = 'branch' and gb.parent_id = ${scope.committeeId}
        and (${scope.committee === true} or gb.id::text = any(${gbIds}::text[]) or b.id::text = any(${branchIds}::text[]))
      order by gb.name, gb.id, b.name, b.id`.execute(this.db);
    return rows.rows;
  }

  private async branchSet(scope: FigureScope): Promise<{ rows: BranchRow[]; set: BranchSet }> {
    const rows = await this.branchesOf(scope);
    return { rows, set: { committeeId: scope.committeeId, all: scope.committee === true, branchIds: rows.map((r) => r.branchId) } };
  }

  async branchFigures(scope: FigureScope, period: FigurePeriod): Promise<BranchFigures[]> {
    const { rows, set } = await this.branchSet(scope);
    if (rows.length === 0) return [];
    const parts = await Promise.all([this.care, ...this.others].map((r) => r.read(set, period)));
    return rows.map((b) => {
      const figures = zeroFigures();
      for (const part of parts) {
        const got = part.get(b.branchId);
        if (got) for (const k of FIGURE_KEYS) if (got[k] !== undefined) figures[k] = got[k];
      }
      return { ...b, figures };
    });
  }

  async generalBranchTotals(scope: FigureScope, period: FigurePeriod): Promise<GeneralBranchTotals[]> {
    return rollUp(await this.branchFigures(scope, period)).map(({ generalBranchId, generalBranchName, figures }) => ({ generalBranchId, generalBranchName, figures }));
  }

  async totals(scope: FigureScope, period: FigurePeriod): Promise<Figures> {
    return sumFigures((await this.branchFigures(scope, period)).map((b) => b.figures));
  }

  async months(scope: FigureScope, period: FigurePeriod): Promise<MonthPoint[]> {
    const { rows, set } = await this.branchSet(scope);
    return rows.length === 0 ? [] : this.care.months(set, period);
  }

  async visitDays(scope: FigureScope, period: FigurePeriod): Promise<DayCount[]> {
    const { rows, set } = await this.branchSet(scope);
    return rows.length === 0 ? [] : this.care.visitDays(set, period);
  }
}
