import { spawn } from 'node:child_process';
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileLock } from '../../../src-main/core/fs/file-lock.js';
import { tempDir } from '../../support/temp-dir.js';

const BUILT_LOCK = fileURLToPath(new URL('../../../dist/core/fs/file-lock.js', import.meta.url));

/** A child process that takes the lock through the built module, says so, and holds it until killed. */
function holdInChild(path: string): Promise<ReturnType<typeof spawn>> {
  const script = `const { FileLock } = await import(${JSON.stringify(BUILT_LOCK)}); await new FileLock(${JSON.stringify(path)}).run(() => { process.stdout.write('locked\\n'); return new Promise(() => {}); });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('locked') && resolve(child));
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
  });
}

describe('FileLock', () => {
  it('takes over at once a lock whose holder was killed, even while the lock still looks fresh', async () => {
    const path = join(tempDir(), 'keyway.lock');
    const child = await holdInChild(path);
    const lockDir = `${path}.lock`;
    expect(readFileSync(join(lockDir, 'owner'), 'utf8')).toBe(`${(await import('node:os')).hostname()} ${child.pid}`);
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.kill('SIGKILL');
    });
    // Keep the lock's mtime fresh, so staleness (10 s) can never be what frees it: only the dead pid can.
    const fresh = setInterval(() => existsSync(lockDir) && utimesSync(lockDir, new Date(), new Date()), 100);
    try {
      await expect(new FileLock(path).run(() => 'mine')).resolves.toBe('mine');
    } finally {
      clearInterval(fresh);
    }
    expect(existsSync(lockDir)).toBe(false);
  });
});
