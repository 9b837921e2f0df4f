import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeywayService } from '../../src-main/core/service.js';
import { createGateway, type Gateway } from '../../src-main/gateway/gateway.js';
import type { GatewayToken, GatewayTokenVerifier } from '../../src-main/gateway/gateway-token.js';
import { startHttpServer, type RunningHttpServer } from '../../src-main/http/server.js';
import type { ProviderId } from '../../src-main/shared/providers.js';
import { configFor, startEmulators, type Emulators } from '../emulators/index.js';
import { openTestService } from './service.js';

/** Gateway tokens held in memory for tests that do not exercise the token store itself. */
export class MemoryTokens implements GatewayTokenVerifier {
  readonly #byToken = new Map<string, GatewayToken>();

  create(name: string, scope?: GatewayToken['scope']): { token: string; record: GatewayToken } {
    const token = `kw_gateway_${randomBytes(32).toString('base64url')}`;
    const record: GatewayToken = { id: `tok_${randomBytes(6).toString('hex')}`, name, kind: 'gateway', ...(scope ? { scope } : {}) };
    this.#byToken.set(token, record);
    return { token, record };
  }

  revoke(token: string): void {
    this.#byToken.delete(token);
  }

  verify(token: string): GatewayToken | null {
    return this.#byToken.get(token) ?? null;
  }
}

export interface GatewayFixture {
  service: KeywayService;
  emu: Emulators;
  gateway: Gateway;
  http: RunningHttpServer;
  tokens: MemoryTokens;
  /** A token with no limits on its scope. */
  token: string;
  /** http://127.0.0.1:<port> */
  origin: string;
  configPath: string;
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
    await service.addKey({ provider, api_key: emu.of(provider).key }, { actor: 'test' });
  }
  const tokens = new MemoryTokens();
  const gateway = createGateway({ service, tokens });
  const http = await startHttpServer({  token: randomBytes(32).toString('base64url'), port: 0, publicRoutes: [gateway.route] });
  return {
    service,
    emu,
    gateway,
    http,
    tokens,
    token: tokens.create('test-client').token,
    origin: http.origin,
    configPath,
    close: async () => {
      await http.close();
      await gateway.close();
      service.close();
      await emu.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
