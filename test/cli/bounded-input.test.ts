import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKeyway } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

function sparse(path: string, bytes: number): string {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return path;
}

function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

/** Each command points at a file it must not read whole or wait on: it fails at once, naming the file. */
describe('files the CLI reads are bounded and never block', () => {
  it.each([
    ['a backup that is a device', (_dir: string) => ['keys', 'import', '--from', '/dev/zero', '--passphrase-env', 'PASS'], /The backup \/dev\/zero is not a regular file/],
    ['a 50 MB backup', (dir: string) => ['keys', 'import', '--from', sparse(join(dir, 'big.backup'), 50e6), '--passphrase-env', 'PASS'], /big\.backup is larger than 16 MiB, the limit; Keyway backups are far smaller, so check the path\. Nothing was imported\./],
    ['a config that is a FIFO', (dir: string) => ['--config', fifo(join(dir, 'config.fifo')), 'route', 'chat'], /config\.fifo is not a regular file/],
    ['a 50 MB config', (dir: string) => ['--config', sparse(join(dir, 'routing_config.json'), 50e6), 'route', 'chat'], /routing_config\.json is larger than 1 MiB, the limit/],
    ['a .env that is a FIFO', (dir: string) => (fifo(join(dir, '.env')), ['keys', 'add', 'openai', '--from-env', 'NOT_SET_ANYWHERE']), /\.env is not a regular file/],
  ])('%s', async (_name, args, message) => {
    const dir = tempDir();
    const run = await runKeyway(args(dir), { cwd: dir, env: { KEYWAY_DATA_DIR: join(dir, 'data'), KEYWAY_SECRET_STORE: 'file', SECRET_KEY: 'bounded-test', PASS: 'long enough passphrase' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain('Internal error');
  });
});
