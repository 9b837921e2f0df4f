import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId?: string;
  productName?: string;
  icon?: string;
  files?: Array<{ filter?: string[] }>;
  extraResources?: Array<{ from: string; to: string }>;
  asarUnpack?: string[];
  linux?: { target?: string[]; icon?: string };
  mac?: { target?: string; icon?: string };
  win?: { target?: string; icon?: string };
  [key: string]: unknown;
}

/** electron-builder's own loader and JSON-schema validation (what `npm run dist` runs first). */
async function loadConfig(): Promise<BuilderConfig> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    getConfig: (dir: string, path: string, extra: null) => Promise<BuilderConfig>;
    validateConfiguration: (config: BuilderConfig, logger: unknown) => Promise<void>;
  };
  const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (enabled: boolean) => unknown };
  const config = await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation with the product identity', async () => {
    const config = await loadConfig();
    expect(config.appId).toBe('dev.keyway.app');
    expect(config.productName).toBe('Keyway');
  });

  it('targets AppImage + deb, dmg and nsis', async () => {
    const config = await loadConfig();
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toBe('dmg');
    expect(config.win?.target).toBe('nsis');
  });

  it('names only files and folders that exist', async () => {
    const config = await loadConfig();
    const paths = [config.icon, config.linux?.icon, config.mac?.icon, config.win?.icon, ...(config.extraResources ?? []).map((r) => r.from)];
    for (const path of paths) {
      expect(path, 'a path in the config').toBeTruthy();
      expect(existsSync(join(ROOT, path!)), path).toBe(true);
    }
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(existsSync(join(ROOT, config.linux!.icon!, `${size}x${size}.png`))).toBe(true);
  });

  it('packs the built app and unpacks the native modules from asar', async () => {
    const config = await loadConfig();
    const filters = config.files?.flatMap((f) => f.filter ?? []) ?? [];
    expect(filters).toEqual(expect.arrayContaining(['out/**/*', 'dist/**/*', 'package.json']));
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/keytar/**/*', 'node_modules/better-sqlite3/**/*']));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('out/main/main.js');
  });

  it('is refused by the same validation when a field is unknown', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration: (c: unknown, l: unknown) => Promise<void> };
    const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration({ appId: 'x', appIdd: 'typo' }, new DebugLogger(false))).rejects.toThrow(/appIdd/);
  });
});
