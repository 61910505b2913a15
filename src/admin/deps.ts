// What the admin routes (routes.ts and care-routes.ts) take from the composition root: its own file, so the
// two route files do not import each other's types. `outbox`: the routes that act as a person (emergency aid)
// send what the chat would; without it (a test's narrow deps) their deliveries wait for the relay.
import type { Deps } from '../deps.ts';

export type AdminDeps = Pick<Deps, 'config' | 'db' | 'clock' | 'log' | 'redis' | 'queuePrefix'> &
  // The routes that tell people something (the assistance steps) send through the outbox on the app's platform;
  // an admin app built without them (a test of the roster routes) has those routes left out.
  Partial<Pick<Deps, 'outbox' | 'platform'>>;
