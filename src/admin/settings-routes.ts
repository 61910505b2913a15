// GET /admin/settings, GET /admin/settings/:key, PUT /admin/settings/:key with {"value": …}: the named settings
// (domain/settings.ts) without SQL. A fastify plugin registered from adminRoutes, inside its scope: the same
// bearer check, throttle and admin_audit row (the route and key are recorded, never more). A refused value is
// a SettingError (400, or 404 for a key that does not exist) answered by the app's one error handler.
import type { FastifyPluginAsync } from 'fastify';
import { getSetting, listSettings, setSetting } from './settings.ts';
import type { Config } from '../config.ts';
import type { DbHandle } from '../db/connect.ts';
import { answer, list, object, responses } from './schemas.ts';

const SETTING = answer({ key: { type: 'string' }, value: {}, default: {}, stored: { type: 'boolean' }, description: { type: 'string' } }, 'a setting: the value in force, its default, whether stored');
const KEY = object({ key: { type: 'string', minLength: 1, maxLength: 64, description: 'the setting\'s name (GET /admin/settings lists them)' } }, ['key']);

/** What the routes use of the admin's dependencies (a narrow type: no import cycle with routes.ts). */
export interface SettingsRouteDeps {
  config: Pick<Config, 'settingDefaults'>;
  db: DbHandle;
  clock: () => Date;
}

export const settingsRoutes: FastifyPluginAsync<{ deps: SettingsRouteDeps }> = async (app, { deps }) => {
  // Time zone and quiet hours default to the environment's (APP_TIMEZONE, QUIET_HOURS).
  const defaults = deps.config.settingDefaults ?? {};

  app.get('/admin/settings', { schema: { summary: 'Every named setting', tags: ['settings'], response: responses({ 200: answer({ settings: list(SETTING) }) }) } }, async (_req, reply) => reply.header('cache-control', 'no-store').send({ settings: await listSettings(deps.db.db, defaults) }));

  app.get('/admin/settings/:key', { schema: { summary: 'One setting', tags: ['settings'], params: KEY, response: responses({ 200: SETTING }, 404) } }, async (req, reply) => {
    const { key } = req.params as { key: string };
    return reply.header('cache-control', 'no-store').send(await getSetting(deps.db.db, key, defaults));
  });

  app.put(
    '/admin/settings/:key',
    {
      schema: {
        summary: 'Change a setting: {"value": …} (the key says what it accepts)',
        tags: ['settings'],
        params: KEY,
        body: object({ value: { description: 'the new value; its key decides what is accepted' } }, ['value']),
        response: responses({ 200: SETTING }, 400, 404),
      },
    },
    async (req, reply) => {
    const { key } = req.params as { key: string };
    const body = req.body as { value: unknown };
    return reply.send(await setSetting(deps.db.db, key, body.value, deps.clock(), defaults));
    },
  );
};
