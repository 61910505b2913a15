// What the admin routes (routes.ts and care-routes.ts) take from the composition root: its own file, so the
// two route files do not import each other's types.
import type { Deps } from '../deps.ts';

export type AdminDeps = Pick<Deps, 'config' | 'db' | 'clock' | 'log' | 'redis' | 'queuePrefix'>;
