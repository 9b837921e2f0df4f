/**
 * Provider emulators: real HTTP servers on 127.0.0.1 that speak the wire formats of Anthropic,
 * OpenAI, Google (Gemini) and Ollama, so tests never reach a real API.
 *
 *   const emu = await startEmulators();          // in beforeAll / beforeEach
 *   afterEach(() => emu.stop());
 *   emu.anthropic.baseUrl                        // http://127.0.0.1:<port>: put it in routing_config.json
 *   emu.anthropic.key                            // a canary key it accepts (emu.anthropic.keys: all accepted)
 *   await emu.openai.set('rate_limited', { retry_after_s: 3 })
 *   await emu.ollama.set('down') / set('ok')     // stops listening / listens again on the same port
 *   emu.google.requests                          // every request: method, url, path, query, headers, body
 *   emu.ollama.models = ['llama3.2:latest']      // what /api/tags and /v1/models list
 *   emu.anthropic.reply = 'text'                 // what chat endpoints answer
 *
 * Per test: emu.openai.extras = { cache_read, cache_write, reasoning } (usage every answer reports),
 * emu.openai.failNext('rate_limited', 1, { retry_after_s }) (the next request only),
 * emu.openai.cutAfterChunks = 3 (a stream's connection dies after 3 chunks), chunkDelayMs (slow
 * generation), emu.openai.lastUsage / reported (what each answer billed, in Keyway's terms).
 *
 * Modes: ok, unauthorized (401), forbidden (403), rate_limited (429 + retry-after), server_error
 * (500), slow ({ delay_ms }), hang (never answers), down (connection refused). Error bodies are the
 * providers' real shapes. `configFor(emu)` gives routing_config.json `providers` blocks pointing at them.
 */
import { canaryKey } from '../support/canary.js';
import type { ProviderId } from '../../src-main/shared/providers.js';
import { anthropicProtocol } from './anthropic.js';
import { ProviderEmulator } from './emulator-server.js';
import { googleProtocol } from './google.js';
import { ollamaProtocol } from './ollama.js';
import { openaiProtocol } from './openai.js';

export { ProviderEmulator } from './emulator-server.js';
export type { EmulatorMode, ModeOptions, RecordedRequest } from './emulator-server.js';

/** The models a fresh Ollama emulator has installed. */
export const DEFAULT_OLLAMA_MODELS: readonly string[] = ['llama3.2:latest', 'codellama:7b', 'nomic-embed-text:latest'];

export class OllamaEmulator extends ProviderEmulator {
  readonly #state: { models: string[] };

  constructor(keys: string[]) {
    const state = { models: [...DEFAULT_OLLAMA_MODELS] };
    super('ollama', ollamaProtocol(state), keys);
    this.#state = state;
  }

  get models(): string[] {
    return this.#state.models;
  }

  set models(models: string[]) {
    this.#state.models = models;
  }
}

export interface Emulators {
  anthropic: ProviderEmulator;
  openai: ProviderEmulator;
  google: ProviderEmulator;
  ollama: OllamaEmulator;
  /** The emulator for a Keyway provider id (`local` is Ollama). */
  of(provider: ProviderId): ProviderEmulator;
  /** Every request any emulator received, for leak scans. */
  transcript(): string;
  /** Back to a fresh start between tests: every emulator `ok`, no recorded requests, Ollama's default models. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts all four emulators on free ports; each accepts one fresh canary key. */
export async function startEmulators(): Promise<Emulators> {
  const anthropic = await new ProviderEmulator('anthropic', anthropicProtocol, [canaryKey('anthropic')]).start();
  const openai = await new ProviderEmulator('openai', openaiProtocol, [canaryKey('openai')]).start();
  const google = await new ProviderEmulator('google', googleProtocol, [canaryKey('google')]).start();
  const ollama = await new OllamaEmulator([canaryKey('local')]).start();
  const all = [anthropic, openai, google, ollama];
  return {
    anthropic,
    openai,
    google,
    ollama,
    of: (provider) => ({ anthropic, openai, google, local: ollama })[provider],
    transcript: () => all.map((e) => e.transcript()).join('\n'),
    reset: async () => {
      for (const e of all) {
        await e.set('ok');
        e.resetControls();
      }
      ollama.models = [...DEFAULT_OLLAMA_MODELS];
    },
    stop: async () => {
      await Promise.all(all.map((e) => e.stop()));
    },
  };
}

/** routing_config.json `providers` entries whose base_url points at the emulators. */
export function configFor(emu: Emulators): Record<ProviderId, { enabled: boolean; models: string[]; rate_limit: number; base_url: string }> {
  return {
    anthropic: { enabled: true, models: ['claude-3-5-sonnet-20241022'], rate_limit: 100, base_url: emu.anthropic.baseUrl },
    openai: { enabled: true, models: ['gpt-4-turbo'], rate_limit: 100, base_url: emu.openai.baseUrl },
    google: { enabled: true, models: ['gemini-pro'], rate_limit: 100, base_url: emu.google.baseUrl },
    local: { enabled: true, models: ['codellama:7b'], rate_limit: 100, base_url: emu.ollama.baseUrl },
  };
}
