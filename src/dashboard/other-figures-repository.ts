// PLACEHOLDER until the assistance, incentive and voice figures land (issue 16 work in progress).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { FigureKey, FigurePeriod, Figures } from './figures.ts';
import type { BranchSet, FigureReader } from './figure-repository.ts';

export class OtherFigures implements FigureReader {
  readonly keys: readonly FigureKey[] = [];
  constructor(private readonly db: Kysely<Database>) {}
  read(_b: BranchSet, _p: FigurePeriod): Promise<Map<string, Partial<Figures>>> {
    return Promise.reject(new Error(`other figures not built yet (${typeof this.db})`));
  }
}
