import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import type { KeywayService } from '../../../src-main/core/service.js';
import type { ProviderServiceOptions } from '../../../src-main/core/routing/provider-services.js';
import type { ProviderId } from '../../../src-main/shared/providers.js';
import { configFor, startEmulators, type Emulators } from '../../emulators/index.js';
import { openTestService } from '../../support/service.js';
import { tempDir } from '../../support/temp-dir.js';

export const CTX = { principal: 'owner', actor: 'test' } as const;

/** A settable clock for circuit breakers, rate limits and "unused" advice. */
export class TestClock {
  #ms: number;
  constructor(iso = '2026-11-28T12:00:00.000Z') {
    this.#ms = Date.parse(iso);
  }
  now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
}

export interface RoutingFixture {
  service: KeywayService;
  configPath: string;
  clock: TestClock;
  addKeys(...providers: ProviderId[]): Promise<void>;
}

export interface RoutingFixtureOptions {
  config?: Record<string, unknown>;
  providers?: ProviderServiceOptions;
  clock?: TestClock;
}

/**
 * A service whose routing_config.json is the seed's defaults with every provider pointed at the
 * emulators, on a temp data dir with the file secret store.
 */
export function routingFixture(emu: Emulators, options: RoutingFixtureOptions = {}): RoutingFixture {
  const dir = tempDir('keyway-routing-');
  const configPath = join(dir, 'routing_config.json');
  const config = {
    providers: configFor(emu),
    routing: { code_generation: 'anthropic', code_review: 'anthropic', chat: 'anthropic', summarization: 'anthropic', analysis: 'openai', embeddings: 'local' },
    fallback_order: ['anthropic', 'openai', 'google', 'local'],
    budget: { enabled: true, daily_limit: 10, monthly_limit: 100, alert_threshold: 0.8 },
    ...options.config,
  };
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const clock = options.clock ?? new TestClock();
  const service = openTestService({ configPath, now: clock.now, timeZone: 'UTC', providers: { timeoutMs: 5_000, ...options.providers } });
  return {
    service,
    configPath,
    clock,
    addKeys: async (...providers) => {
      for (const provider of providers) await service.addKey({ provider, api_key: emu.of(provider).key }, CTX);
    },
  };
}

export interface RoutingSuite {
  emu: Emulators;
  /** A fresh routingFixture, closed after the test. */
  fixture(options?: RoutingFixtureOptions): RoutingFixture;
}

/**
 * The setup every routing, health and validation test file shares: the emulators started once for
 * the file (`const { emu, fixture } = await routingSuite();` at top level), every service a test
 * opened closed after it, and the emulators reset to a fresh start.
 */
export async function routingSuite(): Promise<RoutingSuite> {
  const emu = await startEmulators();
  const open: KeywayService[] = [];
  afterAll(() => emu.stop());
  afterEach(async () => {
    while (open.length > 0) open.pop()?.close();
    await emu.reset();
  });
  return {
    emu,
    fixture: (options = {}) => {
      const f = routingFixture(emu, options);
      open.push(f.service);
      return f;
    },
  };
}
