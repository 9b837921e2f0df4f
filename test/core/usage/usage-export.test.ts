import { describe, expect, it } from 'vitest';
import { KeywayService } from '../../../src-main/core/service.js';
import { exportChunks } from '../../../src-main/core/usage/usage-export.js';
import type { UsageRecord } from '../../../src-main/shared/usage.js';
import { tempDir } from '../../support/temp-dir.js';

const record = (over: Partial<UsageRecord>): UsageRecord => ({
  id: 1,
  time: '2026-03-10T12:00:00.000Z',
  provider: 'openai',
  model: 'gpt-4',
  input_tokens: 10,
  output_tokens: 5,
  cached_input_tokens: 0,
  cache_write_tokens: 0,
  cost_usd: 0.0006,
  success: true,
  latency_ms: null,
  task_type: null,
  key_label: null,
  client: null,
  priced_as: 'gpt-4',
  price_source: 'catalog',
  price_version: 'genai-prices 0.1.8',
  project: null,
  route: null,
  status: null,
  ttfb_ms: null,
  reasoning_tokens: 0,
  ...over,
});

describe('usage export', () => {
  it('quotes CSV cells that need it and defuses text a spreadsheet would run as a formula', () => {
    const text = [...exportChunks([record({ client: '=HYPERLINK("http://x")', key_label: 'a,b' })], 'csv')].join('');
    const row = text.split('\n')[1]!;
    expect(row).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(row).toContain('"a,b"');
  });

  it('writes an empty JSON array for no records and valid JSON for several', () => {
    expect(JSON.parse([...exportChunks([], 'json')].join(''))).toEqual([]);
    const two = JSON.parse([...exportChunks([record({ id: 1 }), record({ id: 2, cost_usd: null })], 'json')].join('')) as UsageRecord[];
    expect(two.map((r) => [r.id, r.cost_usd])).toEqual([
      [1, 0.0006],
      [2, null],
    ]);
  });

  it('exports only the last N local days when asked, through the service', async () => {
    let clock = Date.parse('2026-03-01T12:00:00Z');
    const service = KeywayService.open({ dataDir: tempDir(), env: {}, now: () => new Date(clock), timeZone: 'UTC' });
    await service.trackRequest({ provider: 'anthropic', input_tokens: 1, output_tokens: 1 }, { principal: 'owner', actor: 'cli' });
    clock = Date.parse('2026-03-10T12:00:00Z');
    await service.trackRequest({ provider: 'anthropic', input_tokens: 2, output_tokens: 1 }, { principal: 'owner', actor: 'cli' });
    const recent = JSON.parse([...service.exportUsage({ format: 'json', days: 2 })].join('')) as UsageRecord[];
    expect(recent.map((r) => r.input_tokens)).toEqual([2]);
    const all = JSON.parse([...service.exportUsage({ format: 'json' })].join('')) as UsageRecord[];
    expect(all.map((r) => r.client)).toEqual(['cli', 'cli']);
    service.close();
  });

  it('exports the same local days as getUsage across a daylight saving change', async () => {
    // New York: 8 Mar 2026 has 23 hours. On 9 Mar, "the last 3 days" start at 00:00 on 7 Mar (05:00Z):
    // a record at 23:30 on 6 Mar is outside, one at 00:30 on 7 Mar inside.
    let clock = Date.parse('2026-03-07T04:30:00Z');
    const service = KeywayService.open({ dataDir: tempDir(), env: {}, now: () => new Date(clock), timeZone: 'America/New_York' });
    await service.trackRequest({ provider: 'anthropic', input_tokens: 6, output_tokens: 1 }, { principal: 'owner', actor: 'cli' });
    clock = Date.parse('2026-03-07T05:30:00Z');
    await service.trackRequest({ provider: 'anthropic', input_tokens: 7, output_tokens: 1 }, { principal: 'owner', actor: 'cli' });
    clock = Date.parse('2026-03-09T16:00:00Z');
    expect(service.getUsage({ days: 3 }).totals.requests).toBe(1);
    const exported = JSON.parse([...service.exportUsage({ format: 'json', days: 3 })].join('')) as UsageRecord[];
    expect(exported.map((r) => r.input_tokens)).toEqual([7]);
    service.close();
  });

  it.each([
    ['zero days', { days: 0 }, /days must be at least 1/],
    ['fractional days', { days: 1.5 }, /days must be a whole number/],
    ['days as text', { days: '7' }, /days must be a whole number/],
    ['an unknown format', { format: 'xml' }, /format must be csv or json/],
  ])('refuses an export with %s, naming the field', (_name, input, message) => {
    const service = KeywayService.open({ dataDir: tempDir(), env: {}, timeZone: 'UTC' });
    expect(() => service.exportUsage(input as never)).toThrow(message);
    service.close();
  });

  it('emits usage.tracked with the committed record for subscribers', async () => {
    const service = KeywayService.open({ dataDir: tempDir(), env: {}, timeZone: 'UTC' });
    const seen: number[] = [];
    service.events.on('usage.tracked', (r) => seen.push(r.id));
    const tracked = await service.trackRequest({ provider: 'google', input_tokens: 1, output_tokens: 1 }, { principal: 'agent', actor: 'mcp:test@1' });
    expect(seen).toEqual([tracked.id]);
    service.close();
  });
});
