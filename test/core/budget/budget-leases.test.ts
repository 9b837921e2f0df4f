import { describe, expect, it } from 'vitest';
import { KeywayService } from '../../../src-main/core/service.js';
import type { LeaseHold } from '../../../src-main/core/budget/budget-manager.js';
import { tempDir } from '../../support/temp-dir.js';

const CLI = { principal: 'owner', actor: 'cli' } as const;
/** $0.10 in micro-dollars. */
const DIME = 100_000;

async function open(dataDir: string, daily = 10, clock?: () => number): Promise<KeywayService> {
  const service = KeywayService.open({ dataDir, env: {}, timeZone: 'UTC', ...(clock ? { now: () => new Date(clock()) } : {}) });
  await service.setBudget({ enabled: true, daily_limit: daily, monthly_limit: 1000 }, CLI);
  return service;
}

/** Two services on one data dir, as the gateway's process and any other process see it. */
async function pair(daily: number, clock?: () => number): Promise<{ gateway: KeywayService; other: KeywayService; close(): void }> {
  const dataDir = tempDir();
  const gateway = await open(dataDir, daily, clock);
  const other = await open(dataDir, daily, clock);
  return { gateway, other, close: () => [gateway, other].forEach((s) => s.close()) };
}

function granted(result: ReturnType<KeywayService['budget']['hold']>): LeaseHold {
  if (!result.granted) throw new Error(`expected a hold, got: ${result.message}`);
  return result.hold;
}

describe('budget holds from a lease (the gateway path)', () => {
  it('grants exactly as many holds as the budget has room for, in one process, and shows only what is held', async () => {
    const service = await open(tempDir(), 1);
    const results = Array.from({ length: 40 }, () => service.budget.hold('openai', DIME));
    expect(results.filter((r) => r.granted)).toHaveLength(10);
    const refused = results.find((r) => !r.granted);
    expect(refused?.granted === false && refused.message).toMatch(/would exceed the daily budget/);
    // The lease row may hold more than the holds; this process's own status shows only the holds.
    expect(service.checkBudget().periods[0]).toMatchObject({ reserved_usd: 1, remaining_usd: 0 });
    service.close();
  });

  it('every other process counts the whole lease, so two processes together never pass the limit', async () => {
    const { gateway, other, close } = await pair(1);
    const mine = granted(gateway.budget.hold('openai', 3 * DIME));
    expect(mine.micros).toBe(3 * DIME);
    const seen = other.checkBudget().periods[0]!.reserved_usd;
    expect(seen).toBeGreaterThanOrEqual(0.3);
    // The other process may reserve only what the lease leaves.
    const theirs = other.reserveBudget({ estimated_cost_usd: 1 - seen });
    expect(theirs.granted).toBe(true);
    expect(other.reserveBudget({ estimated_cost_usd: 0.01 }).granted).toBe(false);
    // The gateway can use its lease's headroom but never more: holds + their reservation stay within $1.
    let held = 3 * DIME;
    for (let i = 0; i < 50; i++) {
      const next = gateway.budget.hold('openai', DIME / 10);
      if (!next.granted) break;
      held += DIME / 10;
    }
    expect(held / 1e6 + (1 - seen)).toBeLessThanOrEqual(1 + 1e-9);
    close();
  });

  it('a record that carries the hold shrinks the lease in its own commit; an idle lease is dropped within two seconds', async () => {
    const { gateway, other, close } = await pair(10);
    const hold = granted(gateway.budget.hold('openai', 5 * DIME));
    const before = other.checkBudget().periods[0]!.reserved_usd;
    await gateway.usage.track({ provider: 'openai', model: 'gpt-4-turbo', input_tokens: 20_000, output_tokens: 0 }, { lease: hold });
    gateway.budget.settleHold(hold);
    const after = other.checkBudget().periods[0]!;
    expect(after.spent_usd).toBeCloseTo(0.2, 6);
    expect(before - after.reserved_usd).toBeCloseTo(0.5, 6);
    expect(gateway.checkBudget().periods[0]).toMatchObject({ reserved_usd: 0 });
    await new Promise((resolve) => setTimeout(resolve, 2200));
    expect(other.checkBudget().periods[0]).toMatchObject({ reserved_usd: 0 });
    close();
  });

  it('a released hold is given back to every process at once', async () => {
    const { gateway, other, close } = await pair(1);
    const hold = granted(gateway.budget.hold('openai', 4 * DIME));
    const held = other.checkBudget().periods[0]!.reserved_usd;
    gateway.budget.releaseHold(hold);
    expect(held - other.checkBudget().periods[0]!.reserved_usd).toBeCloseTo(0.4, 6);
    close();
  });

  it('a lowered limit applies to the next hold even when the lease has room left', async () => {
    const service = await open(tempDir(), 10);
    granted(service.budget.hold('openai', DIME));
    await service.setBudget({ daily_limit: 0.15 }, CLI);
    expect(service.budget.hold('openai', DIME).granted).toBe(false);
    expect(service.budget.hold('openai', DIME / 4).granted).toBe(true);
    service.close();
  });

  it('opens a new lease when its row expired and another process purged it', async () => {
    let clock = Date.parse('2026-03-10T12:00:00Z');
    const { gateway, other, close } = await pair(1, () => clock);
    granted(gateway.budget.hold('openai', DIME));
    clock += 16 * 60 * 1000;
    // The other process purges expired rows as it reserves.
    expect(other.reserveBudget({ estimated_cost_usd: 0.5 }).granted).toBe(true);
    granted(gateway.budget.hold('openai', DIME));
    // The still-open first hold and the new one are both in a row others count: 0.5 + 0.2 held.
    expect(other.reserveBudget({ estimated_cost_usd: 0.31 }).granted).toBe(false);
    close();
  });

  it('never holds anything for local models or while budgets are off', async () => {
    const service = await open(tempDir(), 1);
    expect(granted(service.budget.hold('local', 5 * DIME)).micros).toBe(0);
    await service.setBudget({ enabled: false }, CLI);
    expect(granted(service.budget.hold('openai', 50 * DIME)).micros).toBe(0);
    service.close();
  });
});
