// What the admin routes (routes.ts and care-routes.ts) take from the composition root: its own file, so the
// two route files do not import each other's types.
import type { Deps } from '../deps.ts';

/**
 * `outbox`, when given, sends at once what an admin action tells people (the assistance routes); without it the
 * deliveries are stored all the same and the relay sends them.
 */
export type AdminDeps = Pick<Deps, 'config' | 'db' | 'clock' | 'log' | 'redis' | 'queuePrefix'> & Partial<Pick<Deps, 'outbox'>>;
