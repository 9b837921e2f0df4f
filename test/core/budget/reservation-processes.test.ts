import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KeywayService } from '../../../src-main/core/service.js';
import { tempDir } from '../../support/temp-dir.js';

const WORKER = fileURLToPath(new URL('./fixtures/reserve-worker.mjs', import.meta.url));

function lines(child: ChildProcessWithoutNullStreams): AsyncIterator<string> {
  let buffer = '';
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      queue.push(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
    wake?.();
  });
  return {
    async next() {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return { value: queue.shift()!, done: false };
    },
  };
}

describe('budget reservations across processes', () => {
  it('grants exactly 10 of 200 reservations made at once by four processes when room remains for 10', async () => {
    const dataDir = tempDir();
    const setup = KeywayService.open({ dataDir, env: {}, timeZone: 'UTC' });
    await setup.setBudget({ daily_limit: 10, monthly_limit: 1000 }, { principal: 'owner', actor: 'cli' });
    await setup.trackRequest({ provider: 'openai', model: 'gpt-4-turbo', input_tokens: 900_000, output_tokens: 0 }, { principal: 'owner', actor: 'cli' });
    expect(setup.checkBudget().periods[0]).toMatchObject({ spent_usd: 9, remaining_usd: 1 });
    setup.close();

    const workers = [0, 1, 2, 3].map(() => spawn(process.execPath, [WORKER, dataDir, '50'], { stdio: ['pipe', 'pipe', 'pipe'] }));
    const outputs = workers.map(lines);
    for (const out of outputs) expect((await out.next()).value).toBe('ready');
    for (const worker of workers) worker.stdin.write('go\n');
    const granted = await Promise.all(outputs.map(async (out) => Number((await out.next()).value.replace('granted ', ''))));
    await Promise.all(workers.map((w) => (w.exitCode === null ? once(w, 'exit') : undefined)));
    expect(granted.reduce((a, b) => a + b, 0)).toBe(10);

    const after = KeywayService.open({ dataDir, env: {}, timeZone: 'UTC' });
    expect(after.checkBudget().periods[0]).toMatchObject({ reserved_usd: 1, remaining_usd: 0 });
    after.close();
  });
});
