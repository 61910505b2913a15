// The one FigureSource every reader of the dashboard's figures uses: pages, digests, the chat's answers, the bench.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { CareFigures } from './care-figures-repository.ts';
import { FigureRepository } from './figure-repository.ts';
import { OtherFigures } from './other-figures-repository.ts';

export function figureSourceOf(db: Kysely<Database>): FigureRepository {
  return new FigureRepository(db, new CareFigures(db), [new OtherFigures(db)]);
}
