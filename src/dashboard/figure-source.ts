// The one FigureSource every reader of the dashboard's figures uses: pages, digests, the chat's answers, the bench.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { CareFigures } from './care-figures-repository.ts';
import { FigureRepository } from './figure-repository.ts';
import { OtherFigures } from './other-figures-repository.ts';

/** `timeZone`: the organisation's (config.timezone): the local day an obligation was closed on, the local month and year the other figures count in. */
export function figureSourceOf(db: Kysely<Database>, timeZone?: string): FigureRepository {
  return new FigureRepository(db, new CareFigures(db, timeZone), [new OtherFigures(db, timeZone)]);
}
