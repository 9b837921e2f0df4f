import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SettingsStore } from '../../src-main/core/config/settings-store.js';
import { writeFileAtomic } from '../../src-main/core/fs/atomic-write.js';
import type { BudgetStatus } from '../../src-main/shared/budget.js';
import { runKeyway } from '../support/cli.js';
import { call, fileStoreEnv, ok, stdioClient, textOf } from '../support/mcp.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * `keyway mcp` serving in-process keeps what it can in memory between calls; these prove that what
 * other processes and editors change on disk still reaches the very next calls.
 */
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

const daily = (status: BudgetStatus) => status.periods.find((p) => p.period === 'daily' && !p.provider)!;

/** Calls `read` until `done` holds; fails with the last value after `ms`. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('keyway mcp (in-process) serves fresh state', () => {
  it('applies an outside edit of routing_config.json to check_budget without a restart', async () => {
    const dataDir = tempDir();
    client = await stdioClient(fileStoreEnv(dataDir));
    expect(daily(await ok<BudgetStatus>(client, 'check_budget')).limit_usd).toBe(10);
    const path = join(dataDir, 'routing_config.json');
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { budget: { daily_limit: number } };
    raw.budget.daily_limit = 3;
    writeFileAtomic(path, `${JSON.stringify(raw, null, 2)}\n`);
    const after = await eventually(() => ok<BudgetStatus>(client!, 'check_budget'), (s) => daily(s).limit_usd === 3);
    expect(daily(after).limit_usd).toBe(3);
  });

  it('counts spending tracked by another process in the next check_budget', async () => {
    const dataDir = tempDir();
    client = await stdioClient(fileStoreEnv(dataDir));
    expect(daily(await ok<BudgetStatus>(client, 'check_budget')).spent_usd).toBe(0);
    const tracked = await runKeyway(['track', 'anthropic', '--input', '1000', '--output', '500', '--model', 'claude-3-5-sonnet-20241022'], { env: fileStoreEnv(dataDir) });
    expect(tracked.code, tracked.stderr).toBe(0);
    // No waiting: the ledger is read in the call itself.
    expect(daily(await ok<BudgetStatus>(client, 'check_budget')).spent_usd).toBeCloseTo(0.0105, 6);
    await ok(client, 'track_request', { provider: 'anthropic', input_tokens: 1000, output_tokens: 500, model: 'claude-3-5-sonnet-20241022' });
    expect(daily(await ok<BudgetStatus>(client, 'check_budget')).spent_usd).toBeCloseTo(0.021, 6);
  });

  it('applies a settings change made by another process to the next key tool call', async () => {
    const dataDir = tempDir();
    client = await stdioClient(fileStoreEnv(dataDir, { ANTHROPIC_API_KEY: 'sk-ant-api03-fresh-state-test-not-a-real-key-0000' }));
    await new SettingsStore(dataDir).update((data) => {
      data.app.allow_mcp_key_changes = false;
    });
    const refused = await call(client, 'add_api_key', { provider: 'anthropic', env_var: 'ANTHROPIC_API_KEY' });
    expect(refused.isError, textOf(refused)).toBe(true);
    await new SettingsStore(dataDir).update((data) => {
      data.app.allow_mcp_key_changes = true;
    });
    const added = await call(client, 'add_api_key', { provider: 'anthropic', env_var: 'ANTHROPIC_API_KEY' });
    expect(added.isError, textOf(added)).toBeFalsy();
  });
});
