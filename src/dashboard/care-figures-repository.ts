// PLACEHOLDER until the care figures land (issue 16 work in progress): replaced by the real reader.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { FigureKey, FigurePeriod, Figures } from './figures.ts';
import type { BranchSet, CareFigureReader } from './figure-repository.ts';
import type { DayCount, MonthPoint } from './source.ts';

export class CareFigures implements CareFigureReader {
  readonly keys: readonly FigureKey[] = [];
  constructor(private readonly db: Kysely<Database>) {}
  read(_b: BranchSet, _p: FigurePeriod): Promise<Map<string, Partial<Figures>>> {
    return Promise.reject(new Error(`care figures not built yet (${typeof this.db})`));
  }
  months(_b: BranchSet, _p: FigurePeriod): Promise<MonthPoint[]> {
    return Promise.reject(new Error('care figures not built yet'));
  }
  visitDays(_b: BranchSet, _p: FigurePeriod): Promise<DayCount[]> {
    return Promise.reject(new Error('care figures not built yet'));
  }
}
