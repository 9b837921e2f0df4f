import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KEYWAY_VERSION } from '../../src-main/shared/version.js';
import { runKeyway } from '../support/cli.js';

describe('KEYWAY_VERSION', () => {
  it("is package.json's version, and keyway --version prints it whatever npm script runs it", async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(KEYWAY_VERSION).toBe(pkg.version);
    const run = await runKeyway(['--version'], { env: { npm_package_version: '9.9.9-some-other-package' } });
    expect(run.stdout.trim()).toBe(pkg.version);
  });
});
