import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { KeywayService } from '../../../src-main/core/service.js';
import { KeywayError } from '../../../src-main/core/errors.js';
import { PriceCatalog } from '../../../src-main/core/prices/price-catalog.js';
import { LocalCalendar } from '../../../src-main/core/usage/local-calendar.js';
import { UsageLedger } from '../../../src-main/core/usage/usage-ledger.js';
import { SCHEMA_VERSION } from '../../../src-main/core/usage/ledger-schema.js';
import { tempDir } from '../../support/temp-dir.js';

const CLI = { principal: 'owner', actor: 'cli' } as const;

function openService(now: () => Date = () => new Date('2026-03-10T12:00:00Z')): KeywayService {
  return KeywayService.open({ dataDir: tempDir(), env: {}, now, timeZone: 'UTC' });
}

function openLedger(dir: string, now: () => Date, options: { retentionDays?: number } = {}): UsageLedger {
  return new UsageLedger({ path: join(dir, 'usage.db'), catalog: new PriceCatalog(), now, calendar: new LocalCalendar('UTC'), ...options });
}

describe('usage ledger', () => {
  it('records the seed example: 1000/500 on claude-3-5-sonnet-20241022 costs $0.0105 and shows in getUsage', async () => {
    const service = openService();
    const tracked = await service.trackRequest(
      { provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', input_tokens: 1000, output_tokens: 500, success: true },
      CLI,
    );
    expect(tracked.cost_usd).toBe(0.0105);
    const usage = service.getUsage({ provider: 'anthropic', days: 30 });
    expect(usage.totals).toMatchObject({ requests: 1, successes: 1, failures: 0, input_tokens: 1000, output_tokens: 500, cost_usd: 0.0105 });
    expect(usage.by_model).toEqual([expect.objectContaining({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', cost_usd: 0.0105 })]);
    expect(usage.daily).toEqual([expect.objectContaining({ day: '2026-03-10', requests: 1 })]);
    service.close();
  });

  it('commits concurrent calls of one tick together and gives every record its own id', async () => {
    const service = openService();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => service.trackRequest({ provider: 'openai', model: 'gpt-4', input_tokens: i, output_tokens: 1 }, CLI)),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(100);
    expect(service.getUsage().totals.requests).toBe(100);
    service.close();
  });

  it.each([
    ['negative tokens', { provider: 'anthropic', input_tokens: -1, output_tokens: 0 }, /input_tokens must be 0 or more/],
    ['fractional tokens', { provider: 'anthropic', input_tokens: 1.5, output_tokens: 0 }, /whole number/],
    ['over 10 million tokens', { provider: 'openai', input_tokens: 10_000_001, output_tokens: 0 }, /over 10,000,000/],
    ['an unknown provider', { provider: 'mistral-ai', input_tokens: 1, output_tokens: 1 }, /provider must be one of/],
    ['tokens as text', { provider: 'google', input_tokens: '5', output_tokens: 1 }, /input_tokens/],
    ['cached above input', { provider: 'anthropic', input_tokens: 5, output_tokens: 1, cached_input_tokens: 6 }, /cannot exceed input_tokens/],
    ['cache reads plus writes above input', { provider: 'anthropic', input_tokens: 5, output_tokens: 1, cached_input_tokens: 3, cache_write_tokens: 3 }, /cached_input_tokens plus cache_write_tokens cannot exceed/],
    ['an unknown field', { provider: 'anthropic', input_tokens: 5, output_tokens: 1, cost: 3 }, /unknown field/],
    ['a negative latency', { provider: 'anthropic', input_tokens: 5, output_tokens: 1, latency_ms: -3 }, /latency_ms must be 0 or more/],
    ['a latency over a day', { provider: 'anthropic', input_tokens: 5, output_tokens: 1, latency_ms: 86_400_001 }, /latency_ms must be at most 86400000/],
  ])('refuses %s with invalid_input and records nothing', async (_name, input, message) => {
    const service = openService();
    const error = await service.trackRequest(input as never, CLI).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeywayError);
    expect((error as KeywayError).code).toBe('invalid_input');
    expect((error as KeywayError).message).toMatch(message);
    // One problem, one message: a bad input_tokens does not also blame the cache fields.
    if (input.input_tokens === -1) expect((error as KeywayError).message).not.toMatch(/cannot exceed/);
    expect(service.getUsage().totals.requests).toBe(0);
    service.close();
  });

  it('stores an unknown model as unpriced: cost null, a warning, and no dollars in the totals', async () => {
    const service = openService();
    const tracked = await service.trackRequest({ provider: 'openai', model: 'gpt-imaginary-9', input_tokens: 1000, output_tokens: 1000 }, CLI);
    expect(tracked.cost_usd).toBeNull();
    expect(tracked.warnings.join(' ')).toMatch(/unpriced/);
    const totals = service.getUsage().totals;
    expect(totals).toMatchObject({ requests: 1, unpriced_requests: 1, cost_usd: 0 });
    service.close();
  });

  it('creates usage.db and its WAL files owner-only', async () => {
    const service = openService();
    await service.trackRequest({ provider: 'local', input_tokens: 1, output_tokens: 1 }, CLI);
    for (const suffix of ['', '-wal', '-shm']) {
      expect(statSync(join(service.dataDir, `usage.db${suffix}`)).mode & 0o777).toBe(0o600);
    }
    service.close();
  });

  it('keeps records acknowledged before close when the ledger is reopened', async () => {
    const dir = tempDir();
    const now = () => new Date('2026-03-10T12:00:00Z');
    const ledger = openLedger(dir, now);
    const tracked = await ledger.track({ provider: 'google', model: 'gemini-pro', input_tokens: 2000, output_tokens: 1000 });
    ledger.close();
    const reopened = openLedger(dir, now);
    expect([...reopened.records()].map((r) => r.id)).toEqual([tracked.id]);
    expect(reopened.getUsage().totals.cost_usd).toBe(0.0025);
    reopened.close();
  });

  it('counts requests per provider since a moment, for rate limits', async () => {
    let clock = Date.parse('2026-03-10T12:00:00Z');
    const ledger = openLedger(tempDir(), () => new Date(clock));
    await ledger.track({ provider: 'anthropic', input_tokens: 1, output_tokens: 1 });
    clock += 30_000;
    await Promise.all([1, 2, 3].map(() => ledger.track({ provider: 'anthropic', input_tokens: 1, output_tokens: 1 })));
    await ledger.track({ provider: 'openai', input_tokens: 1, output_tokens: 1 });
    expect(ledger.countRequestsSince('anthropic', clock - 10_000)).toBe(3);
    expect(ledger.countRequestsSince('anthropic', clock - 60_000)).toBe(4);
    expect(ledger.countRequestsSince('google', 0)).toBe(0);
    ledger.close();
  });

  it('reports provider activity: success rate, latency percentiles, costs today and this month, last use', async () => {
    let clock = Date.parse('2026-03-01T10:00:00Z');
    const ledger = openLedger(tempDir(), () => new Date(clock));
    await ledger.track({ provider: 'openai', model: 'gpt-4-turbo', input_tokens: 1000, output_tokens: 0, latency_ms: 100 });
    clock = Date.parse('2026-03-10T10:00:00Z');
    for (let i = 1; i <= 9; i++) {
      await ledger.track({ provider: 'openai', model: 'gpt-4-turbo', input_tokens: 1000, output_tokens: 0, latency_ms: i * 100, success: i !== 9 });
    }
    const activity = ledger.providerActivity('openai');
    expect(activity).toMatchObject({ provider: 'openai', requests: 10, successes: 9, failures: 1, success_rate: 0.9, cost_today_usd: 0.09, cost_month_usd: 0.1 });
    expect(activity.latency_p50_ms).toBe(400);
    expect(activity.latency_p95_ms).toBe(900);
    expect(activity.avg_input_tokens).toBe(1000);
    expect(activity.last_used_at).toBe('2026-03-10T10:00:00.000Z');
    expect(ledger.providerActivity('google')).toMatchObject({ requests: 0, success_rate: null, latency_p50_ms: null, last_used_at: null });
    ledger.close();
  });

  it('drops raw records past the retention period but keeps their daily totals', async () => {
    let clock = Date.parse('2026-01-01T12:00:00Z');
    const dir = tempDir();
    const ledger = openLedger(dir, () => new Date(clock), { retentionDays: 10 });
    await ledger.track({ provider: 'anthropic', input_tokens: 1000, output_tokens: 0 });
    await ledger.track({ provider: 'anthropic', input_tokens: 1000, output_tokens: 0 });
    clock = Date.parse('2026-01-20T12:00:00Z');
    expect(ledger.prune()).toBe(2);
    // More than an hour (on the injected clock) after the last prune, tracking prunes by itself.
    await ledger.track({ provider: 'anthropic', input_tokens: 1000, output_tokens: 0 });
    clock = Date.parse('2026-02-10T12:00:00Z');
    await ledger.track({ provider: 'anthropic', input_tokens: 1000, output_tokens: 0 });
    expect([...ledger.records()]).toHaveLength(1);
    expect(ledger.getUsage({ days: 60 }).totals).toMatchObject({ requests: 4, cost_usd: 0.012 });
    ledger.close();
  });

  it('splits days in the configured time zone', async () => {
    const clock = Date.parse('2026-03-10T02:00:00Z');
    const ledger = new UsageLedger({ path: join(tempDir(), 'usage.db'), catalog: new PriceCatalog(), now: () => new Date(clock), calendar: new LocalCalendar('America/New_York') });
    await ledger.track({ provider: 'anthropic', input_tokens: 1, output_tokens: 1 });
    expect(ledger.getUsage().daily.map((d) => d.day)).toEqual(['2026-03-09']);
    ledger.close();
  });

  it('pages an export of more than one page in id order while tracking goes on', async () => {
    const ledger = openLedger(tempDir(), () => new Date('2026-03-10T12:00:00Z'));
    await Promise.all(Array.from({ length: 12_000 }, (_, i) => ledger.track({ provider: i % 2 ? 'openai' : 'local', input_tokens: i, output_tokens: 0 })));
    const seen: number[] = [];
    for (const record of ledger.records({ provider: 'openai' })) {
      seen.push(record.input_tokens);
      if (seen.length === 5500) await ledger.track({ provider: 'google', input_tokens: 1, output_tokens: 1 });
    }
    expect(seen).toHaveLength(6000);
    expect(seen.every((n, i) => n === 2 * i + 1)).toBe(true);
    expect(ledger.countRequestsSince('google', 0)).toBe(1);
    ledger.close();
  });

  it('reports a usage.db that is not a database as data_dir_unusable, naming the file', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'usage.db'), 'this is not sqlite, just text long enough to look like a header....'.repeat(100));
    const service = KeywayService.open({ dataDir, env: {}, timeZone: 'UTC' });
    const error = await service.trackRequest({ provider: 'openai', input_tokens: 1, output_tokens: 1 }, CLI).catch((e: unknown) => e);
    expect((error as KeywayError).code).toBe('data_dir_unusable');
    expect((error as KeywayError).message).toContain(join(dataDir, 'usage.db'));
    service.close();
  });

  it('records cache reads and writes and prices them at their own rates', async () => {
    const service = openService();
    const tracked = await service.trackRequest(
      { provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', input_tokens: 1_000_000, output_tokens: 0, cached_input_tokens: 300_000, cache_write_tokens: 200_000 },
      CLI,
    );
    expect(tracked).toMatchObject({ cached_input_tokens: 300_000, cache_write_tokens: 200_000, cost_usd: 2.34 });
    expect(service.getUsage().totals).toMatchObject({ cached_input_tokens: 300_000, cache_write_tokens: 200_000, cost_usd: 2.34 });
    service.close();
  });

  it('migrates a schema-1 usage.db in place through every step, keeping its records and totals', async () => {
    const dir = tempDir();
    const path = join(dir, 'usage.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec(`
      CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE records (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, provider INTEGER NOT NULL, model INTEGER NOT NULL, input INTEGER NOT NULL,
        output INTEGER NOT NULL, cached INTEGER NOT NULL, cost INTEGER, ok INTEGER NOT NULL, latency INTEGER, task INTEGER, key_label INTEGER, client INTEGER);
      CREATE INDEX records_by_provider_time ON records (provider, ts);
      CREATE TABLE daily (day INTEGER NOT NULL, provider INTEGER NOT NULL, model INTEGER NOT NULL, requests INTEGER NOT NULL, successes INTEGER NOT NULL,
        input INTEGER NOT NULL, output INTEGER NOT NULL, cached INTEGER NOT NULL, cost INTEGER NOT NULL, unpriced INTEGER NOT NULL,
        PRIMARY KEY (day, provider, model)) WITHOUT ROWID;
      CREATE TABLE reservations (id TEXT PRIMARY KEY, provider INTEGER, amount INTEGER NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE alerts_fired (period TEXT NOT NULL, scope TEXT NOT NULL, level TEXT NOT NULL, fired_at INTEGER NOT NULL, spent INTEGER NOT NULL,
        lim INTEGER NOT NULL, PRIMARY KEY (period, scope, level)) WITHOUT ROWID;
      INSERT INTO names (id, name) VALUES (1, 'gpt-4');
      INSERT INTO records (ts, provider, model, input, output, cached, cost, ok) VALUES (${Date.parse('2026-03-10T08:00:00Z')}, 2, 1, 1000, 0, 0, 30000, 1);
      INSERT INTO daily VALUES (20260310, 2, 1, 1, 1, 1000, 0, 0, 30000, 0);
      PRAGMA user_version = 1;
    `);
    old.close();
    const ledger = openLedger(dir, () => new Date('2026-03-10T12:00:00Z'));
    await ledger.track({ provider: 'openai', model: 'gpt-4', input_tokens: 1000, output_tokens: 0, cache_write_tokens: 1000 });
    expect(ledger.getUsage().totals).toMatchObject({ requests: 2, input_tokens: 2000, cache_write_tokens: 1000, cost_usd: 0.06 });
    expect([...ledger.records()].map((r) => r.cache_write_tokens)).toEqual([0, 1000]);
    // Old records keep NULL price provenance; new ones carry theirs (migration 2 -> 3).
    expect([...ledger.records()].map((r) => [r.priced_as, r.price_source, r.price_version])).toEqual([
      [null, null, null],
      ['gpt-4', 'seed', 'seed'],
    ]);
    expect(ledger.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    ledger.close();
  });

  it('stores with each record the entry, source, data version and tier it was priced with', async () => {
    const ledger = openLedger(tempDir(), () => new Date('2026-12-01T12:00:00Z'));
    const tracked = await ledger.track({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', input_tokens: 300_000, output_tokens: 1000, cached_input_tokens: 100_000, cache_write_tokens: 50_000, cache_write_1h_tokens: 10_000 });
    // 150k plain at $6 + 100k read at $0.60 + 40k 5-minute writes at $7.50 + 10k 1-hour writes at $12 + 1k out at $22.50
    expect(tracked).toMatchObject({ priced_as: 'claude-sonnet-4-5', price_source: 'catalog', tier: { above_input_tokens: 200_000 }, cost_usd: 1.4025, cache_write_1h_tokens: 10_000 });
    const row = ledger.db.prepare('SELECT priced_as, price_source, price_version, tier FROM records').get() as Record<string, number>;
    expect(row.tier).toBe(200_000);
    expect([...ledger.records()][0]).toMatchObject({ priced_as: 'claude-sonnet-4-5', price_source: 'catalog', price_version: tracked.price_version });

    ledger.close();
  });

  it('migrates a schema-3 usage.db to gateway columns: old rows read back with no project, route or status', async () => {
    const dir = tempDir();
    const first = openLedger(dir, () => new Date('2026-03-10T12:00:00Z'));
    await first.track({ provider: 'openai', model: 'gpt-4', input_tokens: 10, output_tokens: 5 });
    // Back to schema 3 (price provenance, no gateway columns), as an older Keyway left it.
    first.db.exec(`DROP INDEX records_by_token;
      ALTER TABLE records DROP COLUMN project; ALTER TABLE records DROP COLUMN route; ALTER TABLE records DROP COLUMN status;
      ALTER TABLE records DROP COLUMN ttfb; ALTER TABLE records DROP COLUMN reasoning; ALTER TABLE records DROP COLUMN token;
      PRAGMA user_version = 3;`);
    first.close();
    const ledger = openLedger(dir, () => new Date('2026-03-10T12:00:00Z'));
    const gateway = { client: 'ci', token_id: 'tok_1', project: 'web', route: 'openai/v1/chat/completions', status: 'ok' as const, ttfb_ms: 3, reasoning_tokens: 2 };
    const tracked = await ledger.track({ provider: 'openai', model: 'gpt-4', input_tokens: 10, output_tokens: 5 }, { gateway });
    expect(tracked.gateway).toEqual(gateway);
    const rows = [...ledger.records()];
    expect(rows[0]).toMatchObject({ project: null, route: null, status: null, ttfb_ms: null, reasoning_tokens: 0 });
    expect(rows[1]).toMatchObject({ client: 'ci', project: 'web', route: 'openai/v1/chat/completions', status: 'ok', ttfb_ms: 3, reasoning_tokens: 2 });
    expect(ledger.spentMicrosByToken('tok_1')).toBe(Math.round(tracked.cost_usd! * 1e6));
    expect(ledger.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    ledger.close();
  });
});
