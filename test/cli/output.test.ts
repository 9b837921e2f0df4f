import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KEYWAY_BIN } from '../support/cli.js';

describe('keyway output', () => {
  it('stops quietly with exit 0 when the reader closes the pipe early (keyway --help | head -c 1)', async () => {
    const child = spawn(process.execPath, [KEYWAY_BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
