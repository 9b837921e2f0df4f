import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { KeywayService } from '../../../src-main/core/service.js';
import { tempDir } from '../../support/temp-dir.js';

const WORKER = fileURLToPath(new URL('./fixtures/track-worker.mjs', import.meta.url));

interface WorkerRun {
  acknowledged: number[];
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs the worker; with `killAfterLines` it is SIGKILLed once it has acknowledged that many batches. */
function runWorker(dataDir: string, mode: string, killAfterLines?: number): Promise<WorkerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, dataDir, mode, '16'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged: number[] = [];
    let buffered = '';
    let lines = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        acknowledged.push(...line.split(' ').map(Number));
        lines += 1;
        if (killAfterLines !== undefined && lines === killAfterLines) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`worker failed (${code}): ${stderr}`));
      else resolve({ acknowledged, code, signal });
    });
  });
}

function storedIds(dataDir: string): Set<number> {
  const db = new Database(join(dataDir, 'usage.db'), { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return new Set(db.prepare<[], { id: number }>('SELECT id FROM records').all().map((r) => r.id));
  } finally {
    db.close();
  }
}

describe('ledger durability', () => {
  it('keeps every acknowledged record and stays intact when the writer is SIGKILLed mid-stream, five times', async () => {
    const dataDir = tempDir();
    const acknowledged: number[] = [];
    for (let round = 0; round < 5; round++) {
      // A different, pseudo-random point each round: after 3..40 acknowledged batches.
      const run = await runWorker(dataDir, 'loop', 3 + ((round * 17 + 5) % 38));
      expect(run.signal).toBe('SIGKILL');
      acknowledged.push(...run.acknowledged);
      const stored = storedIds(dataDir);
      const missing = acknowledged.filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
    }
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    const service = KeywayService.open({ dataDir, env: {}, timeZone: 'UTC' });
    const totals = service.getUsage().totals;
    // Aggregates are written in the same transaction as the records: they agree after every kill.
    expect(totals.requests).toBe(storedIds(dataDir).size);
    service.close();
  });

  it('loses nothing when four processes track into one data dir at the same time', async () => {
    const dataDir = tempDir();
    const runs = await Promise.all([0, 1, 2, 3].map(() => runWorker(dataDir, '400')));
    const ids = runs.flatMap((r) => r.acknowledged);
    expect(ids).toHaveLength(1600);
    expect(new Set(ids).size).toBe(1600);
    const service = KeywayService.open({ dataDir, env: {}, timeZone: 'UTC' });
    const usage = service.getUsage();
    expect(usage.totals.requests).toBe(1600);
    // claude-3-haiku: $0.25/M in, $1.25/M out; inputs 1000..1015 per batch of 16, 100 out each.
    const perBatchInput = Array.from({ length: 16 }, (_, i) => 1000 + i).reduce((a, b) => a + b, 0);
    expect(usage.totals.input_tokens).toBe(perBatchInput * 100);
    expect(storedIds(dataDir).size).toBe(1600);
    service.close();
  });
});
