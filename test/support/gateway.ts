import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeywayService } from '../../src-main/core/service.js';
import { createGateway, type Gateway } from '../../src-main/gateway/gateway.js';
import { TokenStore } from '../../src-main/core/tokens/token-store.js';
import type { TokenScope } from '../../src-main/shared/tokens.js';
import { startHttpServer, type RunningHttpServer } from '../../src-main/http/server.js';
import type { ProviderId } from '../../src-main/shared/providers.js';
import type { UsageRecord } from '../../src-main/shared/usage.js';
import { configFor, startEmulators, type Emulators } from '../emulators/index.js';
import { openTestService } from './service.js';

export interface GatewayFixture {
  service: KeywayService;
  emu: Emulators;
  gateway: Gateway;
  http: RunningHttpServer;
  tokens: TokenStore;
  /** A token named test-client with no limits on its scope. */
  token: string;
  /** A fresh gateway token (the real token store); returns the plaintext. */
  newToken(name: string, scope?: TokenScope): Promise<string>;
  /** http://127.0.0.1:<port> */
  origin: string;
  configPath: string;
  /** Every line the gateway and the HTTP server logged (leak scans). */
  logs: string[];
  /** Waits until the ledger holds `n` records (a request is recorded just after its last byte went out). */
  waitForRecords(n: number): Promise<UsageRecord[]>;
  close(): Promise<void>;
}

export interface GatewayFixtureOptions {
  /** routing_config.json fields over the defaults (every provider at the emulators, budgets roomy). */
  config?: Record<string, unknown>;
  /** Providers whose emulator key goes into the vault (default: all four). */
  keys?: ProviderId[];
}

/**
 * The gateway on a real local HTTP server, in front of the provider emulators, with a service on a
 * temp data dir (file secret store) holding each emulator's canary key.
 */
export async function startGatewayFixture(options: GatewayFixtureOptions = {}): Promise<GatewayFixture> {
  const emu = await startEmulators();
  // Not tempDir(): that is removed after each test, and a fixture may serve a whole file's tests.
  const dir = mkdtempSync(join(tmpdir(), 'keyway-gateway-'));
  const configPath = join(dir, 'routing_config.json');
  const config = {
    providers: configFor(emu),
    routing: { chat: 'anthropic', code_generation: 'anthropic', analysis: 'openai', embeddings: 'local' },
    fallback_order: ['anthropic', 'openai', 'google', 'local'],
    budget: { enabled: true, daily_limit: 1000, monthly_limit: 10000, alert_threshold: 0.8 },
    ...options.config,
  };
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const service = openTestService({ configPath, timeZone: 'UTC', dataDir: join(dir, 'data'), cwd: dir });
  for (const provider of options.keys ?? (['anthropic', 'openai', 'google', 'local'] as const)) {
    await service.addKey({ provider, api_key: emu.of(provider).key }, { principal: 'owner', actor: 'test' });
  }
  const tokens = new TokenStore({ dataDir: service.dataDir });
  const newToken = async (name: string, scope?: TokenScope): Promise<string> => (await tokens.create({ kind: 'gateway', name, ...(scope ? { scope } : {}) })).token;
  const logs: string[] = [];
  const log = (line: string): void => void logs.push(line);
  const gateway = createGateway({ service, tokens, log });
  const http = await startHttpServer({ authenticate: () => null, port: 0, publicRoutes: [gateway.route], log });
  return {
    service,
    emu,
    gateway,
    http,
    tokens,
    token: await newToken('test-client'),
    newToken,
    origin: http.origin,
    configPath,
    logs,
    waitForRecords: async (n) => {
      for (let i = 0; i < 300; i++) {
        const all = [...service.usage.records()];
        if (all.length >= n) return all;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`the ledger never reached ${n} records`);
    },
    close: async () => {
      await http.close();
      await gateway.close();
      service.close();
      await emu.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
