import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeywayService } from '../../src-main/core/service.js';
import { medianMs, type BenchRow } from './bench-row.js';

const TRACKED = 2_000;

/**
 * Routing decisions read keys, config, health, circuits, the ledger (rate limits) and budgets on
 * every call; these figures show what one decision costs with a populated ledger.
 */
export async function run(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyway-bench-routing-'));
  const service = KeywayService.open({ dataDir, store: 'file', env: { SECRET_KEY: 'bench-secret-key' }, timeZone: 'UTC' });
  const ctx = { principal: 'owner', actor: 'bench' } as const;
  await service.addKey({ provider: 'anthropic', api_key: 'sk-ant-bench-0000000000000000' }, ctx);
  await service.addKey({ provider: 'openai', api_key: 'sk-bench-00000000000000000000' }, ctx);
  await service.updateProviderConfig('anthropic', { rate_limit: 1_000_000 }, ctx);
  await service.setBudget({ daily_limit: 1_000_000, monthly_limit: 1_000_000 }, ctx);
  await Promise.all(
    Array.from({ length: TRACKED }, (_, i) =>
      service.trackRequest({ provider: i % 2 ? 'anthropic' : 'openai', input_tokens: 1200, output_tokens: 300, latency_ms: 500 + (i % 300), success: i % 10 !== 0 }, ctx),
    ),
  );
  for (let i = 0; i < 50; i++) service.routeRequest({ task_type: 'code_generation' });
  const note = `${TRACKED} tracked requests in the ledger, 2 keys, budgets on; median of repeated in-process calls`;
  const rows: BenchRow[] = [
    { figure: 'routeRequest (one decision)', measured: medianMs(500, () => service.routeRequest({ task_type: 'code_generation', estimated_input_tokens: 1000, estimated_output_tokens: 200 })), unit: 'ms', goal: 2, kind: 'max', note },
    { figure: 'getBestProviderForCost', measured: medianMs(200, () => service.getBestProviderForCost({ input_tokens: 1000, output_tokens: 200 })), unit: 'ms', goal: 5, kind: 'max' },
    { figure: 'getProviderStats (all providers)', measured: medianMs(200, () => service.getProviderStats()), unit: 'ms', goal: 5, kind: 'max' },
    { figure: 'getRoutingRecommendations', measured: medianMs(100, () => service.getRoutingRecommendations()), unit: 'ms', goal: 20, kind: 'max' },
  ];
  service.close();
  rmSync(dataDir, { recursive: true, force: true });
  return rows;
}
