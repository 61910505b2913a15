// GET /admin/settings, GET /admin/settings/:key, PUT /admin/settings/:key with {"value": …}: the named settings
// (domain/settings.ts) without SQL. A fastify plugin registered from adminRoutes, inside its scope: the same
// bearer check, throttle and admin_audit row (the route and key are recorded, never more). A refused value is
// a SettingError (400, or 404 for a key that does not exist) answered by the app's one error handler.
import type { FastifyPluginAsync } from 'fastify';
import { BadRequestError } from '../errors.ts';
import { getSetting, listSettings, setSetting } from './settings.ts';
import type { Config } from '../config.ts';
import type { DbHandle } from '../db/connect.ts';

/** What the routes use of the admin's dependencies (a narrow type: no import cycle with routes.ts). */
export interface SettingsRouteDeps {
  config: Pick<Config, 'settingDefaults'>;
  db: DbHandle;
  clock: () => Date;
}

export const settingsRoutes: FastifyPluginAsync<{ deps: SettingsRouteDeps }> = async (app, { deps }) => {
  // Time zone and quiet hours default to the environment's (APP_TIMEZONE, QUIET_HOURS).
  const defaults = deps.config.settingDefaults ?? {};

  app.get('/admin/settings', async (_req, reply) => reply.header('cache-control', 'no-store').send({ settings: await listSettings(deps.db.db, defaults) }));

  app.get('/admin/settings/:key', async (req, reply) => {
    const { key } = req.params as { key: string };
    return reply.header('cache-control', 'no-store').send(await getSetting(deps.db.db, key, defaults));
  });

  app.put('/admin/settings/:key', async (req, reply) => {
    const { key } = req.params as { key: string };
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !Object.hasOwn(body, 'value')) {
      throw new BadRequestError('no_value', '请以 JSON 提交 {"value": 新的值}。 Send a JSON body {"value": <new value>}.');
    }
    return reply.send(await setSetting(deps.db.db, key, body.value, deps.clock(), defaults));
  });
};
