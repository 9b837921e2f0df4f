import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywayError } from '../../../src-main/core/errors.js';
import { BUNDLED_DATA } from '../../../src-main/core/prices/catalog-data.js';
import { PriceCatalog } from '../../../src-main/core/prices/price-catalog.js';
import { PriceRefresher } from '../../../src-main/core/prices/price-refresh.js';
import { KeywayService } from '../../../src-main/core/service.js';
import { PriceDataServer, closedUrl } from '../../support/price-data-server.js';
import { tempDir } from '../../support/temp-dir.js';

const M = 1_000_000;
const servers: PriceDataServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

async function server(): Promise<PriceDataServer> {
  const s = await PriceDataServer.start();
  servers.push(s);
  return s;
}

function open(dir: string, url: string, now = () => new Date('2026-12-02T10:00:00Z')): KeywayService {
  return KeywayService.open({ dataDir: dir, env: { KEYWAY_PRICES_URL: url, KEYWAY_HTTP_TIMEOUT_MS: '3000' }, now, timeZone: 'UTC' });
}

describe('keyway prices update', () => {
  it('fetches newer data, keeps it in the data dir (0600), puts it in force and reports what changed', async () => {
    const host = await server();
    const dir = tempDir();
    const service = open(dir, host.url);
    expect(service.estimateCost({ provider: 'openai', model: 'gpt-9', input_tokens: M, output_tokens: 0 }).cost_usd).toBeNull();
    const result = await service.updatePrices();
    expect(result).toMatchObject({ updated: true, url: host.url, before: { kind: 'bundled', version: BUNDLED_DATA.version }, after: { kind: 'updated', date: '2026-12-02' } });
    expect(result.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'openai', model: 'gpt-4o', change: 'changed', before: expect.objectContaining({ input: 2.5 }), after: expect.objectContaining({ input: 3 }) }),
        expect.objectContaining({ provider: 'openai', model: 'gpt-9', change: 'added' }),
        expect.objectContaining({ provider: 'anthropic', model: 'claude-v1', change: 'removed' }),
      ]),
    );
    expect(result.changes).toHaveLength(3);
    expect(statSync(join(dir, 'price-data.json')).mode & 0o777).toBe(0o600);
    const e = service.estimateCost({ provider: 'openai', model: 'gpt-9', input_tokens: M, output_tokens: M });
    expect(e).toMatchObject({ cost_usd: 28, price_source: 'catalog', price_version: result.after.version });
    service.close();
    // The next process prices with the kept data too.
    const next = new PriceCatalog({ dataPath: join(dir, 'price-data.json') });
    expect(next.dataInfo()).toMatchObject({ kind: 'updated', version: result.after.version });
    expect(next.costUsd('openai', 'gpt-4o', M, 0)).toBe(3);
  });

  it('never rewrites history: a record tracked before the update keeps the price and version it was tracked with', async () => {
    const host = await server();
    const service = open(tempDir(), host.url);
    const before = await service.trackRequest({ provider: 'openai', model: 'gpt-4o', input_tokens: M, output_tokens: 0 }, { actor: 'cli' });
    const update = await service.updatePrices();
    const after = await service.trackRequest({ provider: 'openai', model: 'gpt-4o', input_tokens: M, output_tokens: 0 }, { actor: 'cli' });
    expect([before.cost_usd, after.cost_usd]).toEqual([2.5, 3]);
    const records = [...service.usage.records()];
    expect(records.map((r) => [r.cost_usd, r.price_source, r.price_version])).toEqual([
      [2.5, 'catalog', BUNDLED_DATA.version],
      [3, 'catalog', update.after.version],
    ]);
    service.close();
  });

  it.each([
    ['offline', async () => closedUrl(), /Could not fetch price data.*offline\?.*is kept/],
    ['an HTTP error', async () => { const s = await server(); s.status = 503; return s.url; }, /answered HTTP 503/],
    ['something that is not price data', async () => { const s = await server(); s.body = JSON.stringify({ hello: 'world' }); return s.url; }, /refused: not price data/],
    ['data without one of the providers', async () => { const s = await server(); s.body = JSON.stringify(JSON.parse(s.body).filter((p: { id: string }) => p.id !== 'google')); return s.url; }, /no prices for google/],
    ['a malformed price date', async () => {
      const s = await server();
      const data = JSON.parse(s.body);
      data[0].models[0].prices = [{ prices: { input_mtok: 1 } }, { constraint: { start_date: 'soon' }, prices: { input_mtok: 2 } }];
      s.body = JSON.stringify(data);
      return s.url;
    }, /refused: it does not load/],
    ['not JSON', async () => { const s = await server(); s.body = '<html>'; return s.url; }, /did not answer with JSON/],
  ])('refuses an update when %s and keeps the bundled data', async (_name, url, message) => {
    const dir = tempDir();
    const service = open(dir, await url());
    const error = await service.updatePrices().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeywayError);
    expect(error).toMatchObject({ code: 'prices_unavailable' });
    expect((error as Error).message).toMatch(message);
    expect(service.listPrices({ provider: 'openai', model: 'gpt-4o' }).data.kind).toBe('bundled');
    expect(service.estimateCost({ provider: 'openai', model: 'gpt-4o', input_tokens: M, output_tokens: 0 }).cost_usd).toBe(2.5);
    expect(() => statSync(join(dir, 'price-data.json'))).toThrow();
    service.close();
  });

  it('refreshes in the background at most daily: fresh kept data is not fetched again', async () => {
    const host = await server();
    const dir = tempDir();
    let now = new Date('2026-12-02T10:00:00Z');
    const catalog = new PriceCatalog({ dataPath: join(dir, 'price-data.json'), now: () => now });
    const refresher = new PriceRefresher({ catalog, url: host.url, timeoutMs: 3000, now: () => now });
    await refresher.check();
    expect(host.requests).toBe(1);
    expect(catalog.dataInfo().kind).toBe('updated');
    now = new Date('2026-12-03T09:59:00Z');
    await refresher.check();
    expect(host.requests).toBe(1);
    now = new Date('2026-12-03T10:00:01Z');
    await refresher.check();
    expect(host.requests).toBe(2);
  });

  it('starts its first check after a delay, never during start-up, and keeps the data when offline', async () => {
    const catalog = new PriceCatalog({ dataPath: join(tempDir(), 'price-data.json') });
    const refresher = new PriceRefresher({ catalog, url: await closedUrl(), timeoutMs: 1000, now: () => new Date(), firstCheckMs: 50 });
    refresher.start();
    await new Promise((r) => setTimeout(r, 300));
    refresher.stop();
    expect(catalog.dataInfo().kind).toBe('bundled');
  });
});
