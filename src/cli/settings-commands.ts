// settings list | get <key> | set <key> <json>: the named settings without SQL (issue 11 point 15), checked by
// the same registry as the admin API (domain/settings.ts). A refused value exits 1 with the message naming the
// key and what it accepts, in Chinese and English.
import { parseArgs } from 'node:util';
import { getSetting, listSettings, setSetting, type SettingView } from '../admin/settings.ts';
import { UsageError } from '../errors.ts';
import { withDatabase } from './database.ts';

interface Command {
  usage: string;
  run(args: string[], out: (line: string) => void): Promise<void>;
}

const json = (v: unknown) => JSON.stringify(v);

/** The value as given: JSON (7, "mar1", [...]); anything that is not JSON is taken as text (mar1, Asia/Shanghai). */
export function parseSettingValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function table(views: SettingView[]): string[] {
  const rows = views.map((v) => [
    v.key,
    json(v.value),
    json(v.default),
    `${v.descriptionZh} · ${v.description}${v.status === 'planned' ? ' [planned]' : ''}${v.appliesOnRestart ? ' [applies on restart]' : ''}`,
  ]);
  const head = ['key', 'value', 'default', 'description'];
  const widths = head.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}

const restartNote = (v: SettingView) => (v.appliesOnRestart ? '（重启服务和 worker 后生效 / applies when the server and worker restart）' : '（即时生效 / in force now）');

export const SETTINGS_COMMANDS: Record<string, Command> = {
  settings: {
    usage: 'settings list [--json] | get <key> | set <key> <json>   show or change the named settings (defaults without SQL)',
    async run(args, out) {
      const [sub, ...rest] = args;
      if (sub === 'list') {
        let asJson: boolean;
        try {
          asJson = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, strict: true, allowPositionals: false }).values.json ?? false;
        } catch (err) {
          throw new UsageError(`settings list: ${(err as Error).message}`);
        }
        await withDatabase(async ({ db }, config) => {
          const views = await listSettings(db, config.settingDefaults);
          if (asJson) out(JSON.stringify(views, null, 2));
          else for (const l of table(views)) out(l);
        });
        return;
      }
      if (sub === 'get') {
        if (rest.length !== 1) throw new UsageError('settings get needs exactly one <key>');
        await withDatabase(async ({ db }, config) => out(JSON.stringify(await getSetting(db, rest[0]!, config.settingDefaults), null, 2)));
        return;
      }
      if (sub === 'set') {
        const [key, ...words] = rest;
        if (!key || words.length === 0) throw new UsageError('settings set needs <key> and <json value>, e.g. settings set defer_max_count 2');
        const value = parseSettingValue(words.join(' '));
        await withDatabase(async ({ db }, config) => {
          const before = await getSetting(db, key, config.settingDefaults);
          const after = await setSetting(db, key, value, new Date(), config.settingDefaults);
          out(`${after.key} = ${json(after.value)} (was ${json(before.value)}) ${restartNote(after)}`);
        });
        return;
      }
      throw new UsageError('settings needs list, get <key> or set <key> <json>');
    },
  },
};
