import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBounded, readBoundedSync } from '../../../src-main/core/fs/bounded-read.js';
import { tempDir } from '../../support/temp-dir.js';

const options = { maxBytes: 1024, what: 'The test file', remedy: 'use a smaller one' };

describe('readBounded (streaming)', () => {
  it('reads a file up to the limit', async () => {
    const path = join(tempDir(), 'ok.txt');
    writeFileSync(path, 'a'.repeat(1024));
    expect((await readBounded(path, options)).length).toBe(1024);
  });

  it('stops one chunk past the limit on an endless device, naming the file and the limit', async () => {
    await expect(readBounded('/dev/zero', options)).rejects.toThrow('The test file /dev/zero is larger than 1 KiB, the limit; use a smaller one.');
  });

  it('passes file system errors through', async () => {
    await expect(readBounded(join(tempDir(), 'missing'), options)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('readBoundedSync (small regular files)', () => {
  it.each([
    ['a file over the limit', (dir: string) => (writeFileSync(join(dir, 'f'), 'b'.repeat(1025)), join(dir, 'f')), /larger than 1 KiB, the limit/],
    ['a FIFO (never waits for a writer)', (dir: string) => (execFileSync('mkfifo', [join(dir, 'f')]), join(dir, 'f')), /is not a regular file/],
    ['a device', () => '/dev/zero', /is not a regular file/],
  ])('refuses %s', (_name, make, message) => {
    expect(() => readBoundedSync(make(tempDir()), options)).toThrow(message);
  });

  it('reads a file within the limit and reports a directory as EISDIR', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'f'), 'hello');
    expect(readBoundedSync(join(dir, 'f'), options).toString()).toBe('hello');
    mkdirSync(join(dir, 'd'));
    expect(() => readBoundedSync(join(dir, 'd'), options)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});
