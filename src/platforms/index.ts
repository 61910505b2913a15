// The platform registry: name → adapter. config.ts asks each adapter to read its variables and picks the
// platform; deps.ts builds it from here and app.ts registers its routes. Adding a platform = its folder plus
// one line below.
import type { Platform, PlatformAdapter, PlatformContext } from './platform.ts';
import type { PlatformName } from './types.ts';
import { localPlatform } from './local/index.ts';
import { wecomPlatform } from './wecom/index.ts';
import { dingtalkPlatform } from './dingtalk/index.ts';

export const PLATFORMS: Readonly<Partial<Record<PlatformName, PlatformAdapter>>> = {
  wecom: wecomPlatform,
  dingtalk: dingtalkPlatform,
  local: localPlatform,
};

/** Served when no platform is configured: the local web chat (on loopback, see config.ts). */
export const DEFAULT_PLATFORM: PlatformName = 'local';

export function platformAdapter(name: PlatformName): PlatformAdapter {
  const adapter = PLATFORMS[name];
  if (!adapter) throw new Error(`no adapter for platform "${name}" (known: ${Object.keys(PLATFORMS).join(', ')})`);
  return adapter;
}

export function createPlatform(name: PlatformName, ctx: PlatformContext): Platform {
  return platformAdapter(name).create(ctx);
}
