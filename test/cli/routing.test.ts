import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canaryCore, canaryKey } from '../support/canary.js';
import { runKeyway, type CliRun } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';
import { configFor, startEmulators, type Emulators } from '../emulators/index.js';

let emu: Emulators;
beforeAll(async () => {
  emu = await startEmulators();
});
afterAll(() => emu.stop());
afterEach(() => emu.reset());

interface Cli {
  run(...args: string[]): Promise<CliRun>;
  runWith(input: string, ...args: string[]): Promise<CliRun>;
  configPath: string;
}

/** A data dir with the file store and a routing_config.json pointing every provider at the emulators. */
function cli(): Cli {
  const dir = tempDir('keyway-cli-');
  const configPath = join(dir, 'routing_config.json');
  writeFileSync(configPath, JSON.stringify({ providers: configFor(emu), routing: { code_generation: 'anthropic', analysis: 'openai', embeddings: 'local' }, fallback_order: ['anthropic', 'openai', 'google', 'local'] }));
  const env = { KEYWAY_DATA_DIR: join(dir, 'data'), KEYWAY_SECRET_STORE: 'file', SECRET_KEY: 'cli-test-secret', KEYWAY_HTTP_TIMEOUT_MS: '5000' };
  return {
    configPath,
    run: (...args) => runKeyway(['--config', configPath, ...args], { env }),
    runWith: (input, ...args) => runKeyway(['--config', configPath, ...args], { env, input }),
  };
}

function json<T>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}

describe('keyway keys validate (live)', () => {
  it('checks each key with its provider, exits 1 when one is rejected, and never prints a secret', async () => {
    const k = cli();
    const wrong = canaryKey('openai');
    expect((await k.runWith(emu.anthropic.key, 'keys', 'add', 'anthropic')).code).toBe(0);
    expect((await k.runWith(wrong, 'keys', 'add', 'openai')).code).toBe(0);
    const one = await k.run('--json', 'keys', 'validate', 'anthropic');
    expect(one.code).toBe(0);
    expect(json<{ results: { key_id: string; outcome: string }[] }>(one).results).toMatchObject([{ key_id: 'anthropic:default', outcome: 'valid' }]);
    const all = await k.run('keys', 'validate');
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/anthropic:default\s+valid/);
    expect(all.stdout).toMatch(/openai:default\s+FAILED: invalid\s+HTTP 401/);
    for (const text of [one.stdout, one.stderr, all.stdout, all.stderr]) {
      expect(text).not.toContain(canaryCore(emu.anthropic.key));
      expect(text).not.toContain(canaryCore(wrong));
    }
  });

  it('--offline makes no network call', async () => {
    const k = cli();
    await k.runWith(emu.google.key, 'keys', 'add', 'google');
    const run = await k.run('--json', 'keys', 'validate', '--offline');
    expect(run.code).toBe(0);
    expect(json<{ results: { outcome: string }[] }>(run).results[0]?.outcome).toBe('format_ok');
    expect(emu.google.requests).toHaveLength(0);
  });
});

describe('keyway route / providers / recommend', () => {
  it('routes a task, explains fallbacks, and fails with --no-fallback naming the reason', async () => {
    const k = cli();
    await k.runWith(emu.openai.key, 'keys', 'add', 'openai');
    const route = await k.run('route', 'code_generation');
    expect(route.code).toBe(0);
    expect(route.stdout).toContain('code_generation -> openai (gpt-4-turbo)');
    expect(route.stdout).toContain('skipped anthropic: no_key');
    const strict = await k.run('route', 'code_generation', '--no-fallback');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/anthropic.*no_key/);
    const preferred = json<{ provider: string }>(await k.run('--json', 'route', 'chat', '--prefer', 'local'));
    expect(preferred.provider).toBe('local');
    await emu.ollama.set('down');
    const noOllama = json<{ provider: string; skipped: { provider: string; reason: string }[] }>(await k.run('--json', 'route', 'embeddings'));
    expect(noOllama.provider).toBe('openai');
    expect(noOllama.skipped).toContainEqual(expect.objectContaining({ provider: 'local', reason: 'unhealthy' }));
  });

  it('lists providers with Ollama health from a fresh ping, and `providers set` edits routing_config.json', async () => {
    const k = cli();
    const stats = json<{ providers: { provider: string; health: { status: string; models: string[] | null } }[] }>(await k.run('--json', 'providers'));
    expect(stats.providers.map((p) => p.provider)).toEqual(['anthropic', 'openai', 'google', 'local']);
    expect(stats.providers[3]?.health).toMatchObject({ status: 'up', models: emu.ollama.models });
    const set = await k.run('providers', 'set', 'openai', '--enabled', 'false', '--base-url', 'http://127.0.0.1:9');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('Updated openai');
    const file = JSON.parse(readFileSync(k.configPath, 'utf8')) as { providers: Record<string, { enabled: boolean; base_url: string }> };
    expect(file.providers.openai).toMatchObject({ enabled: false, base_url: 'http://127.0.0.1:9' });
    const table = await k.run('providers');
    expect(table.stdout).toMatch(/openai\s+no/);
  });

  it('shows latency p50 and p95 from tracked requests in the providers table', async () => {
    const k = cli();
    for (const latency of ['100', '200', '900']) expect((await k.run('track', 'google', '--input', '10', '--output', '10', '--latency', latency)).code).toBe(0);
    const stats = json<{ providers: { provider: string; latency_p50_ms: number; latency_p95_ms: number }[] }>(await k.run('--json', 'providers'));
    const google = stats.providers.find((p) => p.provider === 'google');
    const table = await k.run('providers');
    expect(table.stdout).toMatch(/SUCCESS\s+P50\s+P95\s+TODAY/);
    expect(table.stdout).toMatch(new RegExp(`google .*${google?.latency_p50_ms} ms\\s+${google?.latency_p95_ms} ms`));
    expect(google?.latency_p95_ms).toBeGreaterThan(google?.latency_p50_ms ?? Infinity);
  });

  it.each([
    [['providers', 'set', 'openai', '--enabled', 'maybe'], 'expected true or false'],
    [['providers', 'set', 'azure', '--enabled', 'true'], 'azure'],
    [['route', 'chat', '--prefer', 'azure'], 'azure'],
    [['keys', 'validate', '--label', 'work'], '--label needs a provider'],
  ])('rejects %j with a usage error (exit 2)', async (args, message) => {
    const run = await cli().run(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('recommend prints advice computed from the keys and config', async () => {
    const k = cli();
    await k.runWith(emu.openai.key, 'keys', 'add', 'openai');
    const rec = json<{ tasks: { task_type: string }[]; advice: { kind: string }[] }>(await k.run('--json', 'recommend'));
    expect(rec.tasks.map((t) => t.task_type)).toEqual(['analysis', 'code_generation', 'embeddings']);
    expect(rec.advice.map((a) => a.kind)).toContain('key_never_validated');
    const human = await k.run('recommend', 'analysis');
    expect(human.stdout).toContain('analysis: openai (gpt-4-turbo)');
  });

  it('recommend pings Ollama first: local is offered with its installed embedding model when up, and marked unhealthy when down', async () => {
    const k = cli();
    await k.runWith(emu.openai.key, 'keys', 'add', 'openai');
    type Rec = { tasks: { current: { provider: string; model: string } | null; alternatives: { provider: string; skip_reason: string | null }[] }[] };
    const up = json<Rec>(await k.run('--json', 'recommend', 'embeddings'));
    expect(up.tasks[0]?.current).toMatchObject({ provider: 'local', model: 'nomic-embed-text:latest' });
    await emu.ollama.set('down');
    const down = json<Rec>(await k.run('--json', 'recommend', 'embeddings'));
    expect(down.tasks[0]?.current).toMatchObject({ provider: 'openai' });
    expect(down.tasks[0]?.alternatives).toContainEqual(expect.objectContaining({ provider: 'local', skip_reason: 'unhealthy' }));
  });

  it('`providers set` with nothing to change says what to give and leaves the file alone', async () => {
    const k = cli();
    const before = readFileSync(k.configPath, 'utf8');
    const run = await k.run('providers', 'set', 'openai');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nothing to change: give at least one of enabled, models, rate_limit, base_url');
    expect(readFileSync(k.configPath, 'utf8')).toBe(before);
  });
});
