// Routes deliveries to the platform each recipient is on (services/delivery-route.ts), for the outbox and the
// sweep: one query per batch of recipients, none when the deployment serves only the local web chat.
import type { Kysely, Transaction } from 'kysely';
import { chooseRoute, type Route, type RouteRequest } from './delivery-route.ts';
import type { Database } from '../db/schema.ts';
import { MemberAddressRepository } from '../db/member-address-repository.ts';
import { GROUP_RECIPIENT_PREFIX, type PlatformName } from '../platforms/types.ts';
import type { Logger } from '../logger.ts';

export class DeliveryRouter {
  constructor(
    private readonly db: Kysely<Database>,
    /** The platforms this deployment serves, in preference order. */
    readonly served: readonly PlatformName[],
    private readonly log?: Logger,
  ) {}

  /** Each request's route, in order; undefined where the member has no account on any platform served. */
  async routes(requests: readonly RouteRequest[], db: Kysely<Database> | Transaction<Database> = this.db): Promise<Array<Route | undefined>> {
    // The local web chat addresses everyone by their account: nothing to look up.
    if (this.served.length === 1 && this.served[0] === 'local') return requests.map((r) => ({ platform: 'local', recipient: r.recipient }));
    const accounts = requests.filter((r) => !r.addresses && !r.recipient.startsWith(GROUP_RECIPIENT_PREFIX)).map((r) => r.recipient);
    const book = await new MemberAddressRepository(db).byAccounts(accounts);
    const routes = requests.map((r) => chooseRoute(r, r.addresses ?? book.get(r.recipient.toLowerCase()), this.served));
    const unroutable = routes.filter((r) => r === undefined).length;
    if (unroutable > 0) this.log?.info({ platforms: this.served, unroutable }, 'recipients with no account on the platforms served: not sent');
    return routes;
  }
}
