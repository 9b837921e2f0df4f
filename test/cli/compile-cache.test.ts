import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYWAY_BIN, runKeyway } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const BIN_DIR = dirname(KEYWAY_BIN);
const nodeHasOwnCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

function setup() {
  const cacheHome = tempDir();
  const env = { XDG_CACHE_HOME: cacheHome, KEYWAY_DATA_DIR: tempDir(), KEYWAY_SECRET_STORE: 'file', SECRET_KEY: 'compile-cache-test-not-a-real-secret', KEYWAY_TZ: 'UTC' };
  const root = join(cacheHome, 'keyway', 'compile-cache');
  const entriesDir = () => join(root, readdirSync(root)[0]!);
  const entries = () => readdirSync(entriesDir()).sort();
  const mtimes = () => entries().map((name) => statSync(join(entriesDir(), name)).mtimeMs);
  return { env, root, entriesDir, entries, mtimes };
}

describe.skipIf(nodeHasOwnCache)('the CLI compile cache (Node 20; Node 22+ uses its own)', () => {
  it('keeps one private entry per bundle file a command ran, and the next run uses them without writing', async () => {
    const { env, root, entriesDir, entries, mtimes } = setup();
    const first = await runKeyway(['usage', '--json'], { env });
    expect(first.code).toBe(0);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(entries().length).toBeGreaterThan(5);
    for (const name of entries()) {
      const file = name.replace(/\.\d+\.\d+$/, '');
      const { size, mtimeMs } = statSync(join(BIN_DIR, file));
      expect(name).toBe(`${file}.${size}.${Math.trunc(mtimeMs)}`);
      expect(statSync(join(entriesDir(), name)).mode & 0o777).toBe(0o600);
    }

    const before = mtimes();
    const second = await runKeyway(['usage', '--json'], { env });
    expect(second.stdout).toBe(first.stdout);
    expect(mtimes()).toEqual(before);
  });

  it('a corrupt entry is rejected and rewritten, and entries of replaced or changed files are pruned', async () => {
    const { env, entriesDir, entries } = setup();
    const first = await runKeyway(['usage', '--json'], { env });
    const [victim] = entries();
    writeFileSync(join(entriesDir(), victim!), 'not V8 code cache');
    const gone = 'chunk-replaced-by-a-rebuild-AbCd1234.cjs.1000.1700000000000';
    const changed = `${victim!.replace(/\.\d+\.\d+$/, '')}.1.1700000000000`;
    for (const stale of [gone, changed]) writeFileSync(join(entriesDir(), stale), 'old');

    const second = await runKeyway(['usage', '--json'], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(join(entriesDir(), victim!)).toString('latin1')).not.toContain('not V8 code cache');
    expect(entries()).not.toContain(gone);
    expect(entries()).not.toContain(changed);
  });

  it("NODE_DISABLE_COMPILE_CACHE turns it off, as it does Node 22's own cache", async () => {
    const { env } = setup();
    const run = await runKeyway(['budget'], { env: { ...env, NODE_DISABLE_COMPILE_CACHE: '1' } });
    expect(run.code).toBe(0);
    expect(readdirSync(env.XDG_CACHE_HOME)).toEqual([]);
  });
});
