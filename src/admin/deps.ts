// What the admin routes (routes.ts and care-routes.ts) take from the composition root: its own file, so the
// two route files do not import each other's types.
import type { Deps } from '../deps.ts';

/** `outbox` is optional: routes that tell someone record deliveries in their transaction and, where it is given,
 * enqueue them at once (else the relay does). */
export type AdminDeps = Pick<Deps, 'config' | 'db' | 'clock' | 'log' | 'redis' | 'queuePrefix'> & Partial<Pick<Deps, 'outbox'>>;
