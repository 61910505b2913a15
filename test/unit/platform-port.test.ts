// The platform port (issue 10): every registered adapter is one folder with the same role-named files, and
// no wire format of any platform leaks into conversation/, notices/ or db/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../src/platforms/index.ts';
import { loadConfig } from '../../src/config.ts';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const ROLE_FILES = ['callback.ts', 'client.ts', 'cards.ts', 'menu.ts', 'config.ts', 'index.ts'];
/** WeCom's wire words: template_card fields and message types. */
const WECOM_WORDS = /\b(template_card|main_title|button_list|horizontal_content_list|sub_title_text|card_type|task_id|msgtype|textcard)\b/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('platform port', () => {
  it.each(Object.keys(PLATFORMS))('the %s adapter has the role-named files', (name) => {
    for (const f of ROLE_FILES) expect(existsSync(path.join(SRC, 'platforms', name, f)), `${name}/${f}`).toBe(true);
  });

  it('conversation, notices and db hold no WeCom wire format and import no adapter', () => {
    const offenders = ['conversation', 'notices', 'db', 'care']
      .flatMap((d) => filesUnder(path.join(SRC, d)))
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => {
        const code = readFileSync(f, 'utf8').split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l)).join('\n');
        return [...(WECOM_WORDS.test(code) ? [`${f}: ${code.match(WECOM_WORDS)![0]}`] : []), ...(/platforms\/(wecom|local)\//.test(code) ? [`${f}: imports an adapter`] : [])];
      });
    expect(offenders).toEqual([]);
  });

  it('adapters import neither the composition root nor its Config/Deps types (they are built by it)', () => {
    // config.ts and deps.ts pick and build the adapters; an adapter importing them back, even for a type,
    // is an import cycle. Adapters see the app through platform.ts's PlatformSettings and PlatformDeps.
    const offenders = filesUnder(path.join(SRC, 'platforms'))
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => {
        const imports = [...readFileSync(f, 'utf8').matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
        const root = imports.filter((i) => /^(\.\.\/)+(config|deps)\.ts$/.test(i) && path.resolve(path.dirname(f), i).startsWith(SRC));
        return root.map((i) => `${path.relative(SRC, f)} imports ${i}`);
      });
    expect(offenders).toEqual([]);
  });

  it('the platform is chosen through the registry', () => {
    expect(loadConfig({}).platform).toBe('local');
    const wecom = { WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's', WECOM_TOKEN: 't', WECOM_ENCODING_AES_KEY: 'a'.repeat(43) };
    expect(loadConfig(wecom)).toMatchObject({ platform: 'wecom', platformSettings: { wecom: { corpId: 'ww1' } } });
    expect(() => loadConfig({ PLATFORM: 'telegram' })).toThrow(`PLATFORM must be ${Object.keys(PLATFORMS).join(', ')} or a list such as wecom,dingtalk`);
    expect(() => loadConfig({ PLATFORM: 'dingtalk' })).toThrow('PLATFORM=dingtalk needs DINGTALK_APP_KEY, DINGTALK_APP_SECRET');
    const dingtalk = { DINGTALK_APP_KEY: 'dingapp', DINGTALK_APP_SECRET: 'secret', DINGTALK_MODE: 'stream' };
    expect(loadConfig(dingtalk)).toMatchObject({ platform: 'dingtalk', platforms: ['dingtalk'], platformSettings: { dingtalk: { appKey: 'dingapp', robotCode: 'dingapp', sendVia: 'robot' } } });
    // Both configured: PLATFORM says which, or both in preference order; never the local chat with another.
    expect(() => loadConfig({ ...wecom, ...dingtalk })).toThrow('set PLATFORM to the one to serve, or to both in preference order (PLATFORM=wecom,dingtalk)');
    expect(loadConfig({ ...wecom, ...dingtalk, PLATFORM: 'dingtalk,wecom' })).toMatchObject({ platform: 'dingtalk', platforms: ['dingtalk', 'wecom'] });
    expect(() => loadConfig({ ...wecom, ...dingtalk, PLATFORM: 'wecom' })).toThrow('add dingtalk to PLATFORM');
    expect(() => loadConfig({ ...wecom, PLATFORM: 'wecom,local' })).toThrow('cannot be combined');
    expect(() => loadConfig({ ...wecom, PLATFORM: 'wecom,wecom' })).toThrow('names a platform twice');
    expect(() => loadConfig({ DINGTALK_APP_KEY: 'dingapp', DINGTALK_APP_SECRET: 'secret' })).toThrow('DINGTALK_MODE=http needs DINGTALK_AES_KEY and DINGTALK_TOKEN');
    expect(() => loadConfig({ ...dingtalk, DINGTALK_SEND: 'work_notification' })).toThrow('DINGTALK_SEND=work_notification needs DINGTALK_AGENT_ID');
  });
});
