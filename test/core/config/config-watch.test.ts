import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeywayService } from '../../../src-main/core/service.js';
import type { ServiceEventMap } from '../../../src-main/shared/events.js';
import { canaryKey } from '../../support/canary.js';
import { openTestService } from '../../support/service.js';
import { tempDir } from '../../support/temp-dir.js';

const CTX = { principal: 'owner', actor: 'test' } as const;
const open: KeywayService[] = [];
afterEach(() => {
  while (open.length > 0) open.pop()?.close();
});

/** The README example from the original seed, byte for byte in structure: only anthropic under providers. */
const SEED_CONFIG = {
  providers: { anthropic: { enabled: true, models: ['claude-3-5-sonnet-20241022'], rate_limit: 100 } },
  routing: { code_generation: 'anthropic', embeddings: 'local', analysis: 'openai' },
  fallback_order: ['anthropic', 'openai', 'google', 'local'],
  budget: { enabled: true, daily_limit: 10.0, monthly_limit: 100.0, alert_threshold: 0.8 },
};

function withConfig(config: unknown): { service: KeywayService; path: string } {
  const path = join(tempDir('keyway-cfg-'), 'routing_config.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  const service = openTestService({ configPath: path, providers: { configDebounceMs: 20 } });
  open.push(service);
  return { service, path };
}

/** Replaces the file the way editors and atomic writers do: a new file renamed over the old one. */
function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.new`, text);
  renameSync(`${path}.new`, path);
}

function nextConfigChange(service: KeywayService): Promise<ServiceEventMap['config.changed']> {
  return new Promise((resolve) => {
    const off = service.events.on('config.changed', (event) => {
      off();
      resolve(event);
    });
  });
}

describe('routing_config.json', () => {
  it('uses a config written for the original seed unchanged (--config / KEYWAY_CONFIG)', async () => {
    const { service, path } = withConfig(SEED_CONFIG);
    const before = readFileSync(path, 'utf8');
    await service.addKey({ provider: 'anthropic', api_key: canaryKey('anthropic') }, CTX);
    expect(service.routeRequest({ task_type: 'code_generation' })).toMatchObject({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' });
    expect(service.getProviderStats().providers.map((p) => p.enabled)).toEqual([true, true, true, true]);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('reports a --config path in a folder that does not exist as config_invalid naming the path, instead of an internal error', () => {
    const path = join(tempDir('keyway-cfg-'), 'no-such-folder', 'routing_config.json');
    const service = openTestService({ configPath: path });
    open.push(service);
    expect(() => service.routeRequest({ task_type: 'chat' })).toThrow(
      expect.objectContaining({ code: 'config_invalid', message: expect.stringContaining(`${path} does not exist and cannot be created (ENOENT)`) as string }),
    );
  });

  it.each([
    ['providers.anthropic.rate_limt', { providers: { anthropic: { rate_limt: 5 } } }, 'did you mean "rate_limit"'],
    ['providers.anthropic.Enabled', { providers: { anthropic: { Enabled: false } } }, 'did you mean "enabled"'],
    ['providers.local.model', { providers: { local: { model: 'llama3' } } }, 'did you mean "models"'],
    ['budget.daily_limt', { budget: { daily_limt: 1 } }, 'did you mean "daily_limit"'],
    ['routng', { routng: { chat: 'openai' } }, 'did you mean "routing"'],
  ])('reports the misspelt field %s instead of silently ignoring it', (field, config, meant) => {
    const { service, path } = withConfig({ ...SEED_CONFIG, ...config });
    expect(() => service.routeRequest({ task_type: 'chat' })).toThrow(
      expect.objectContaining({ code: 'config_invalid', message: expect.stringContaining(`${path} is invalid. ${field}: unknown field`) as string }),
    );
    expect(() => service.routeRequest({ task_type: 'chat' })).toThrow(expect.objectContaining({ message: expect.stringContaining(meant) as string }));
  });

  it('keeps fields of the user own that are not near a known name (notes, team tags)', () => {
    const { service } = withConfig({ ...SEED_CONFIG, my_notes: 'x', providers: { anthropic: { ...SEED_CONFIG.providers.anthropic, team: 'infra', comment: 'work key' } } });
    expect(service.getProviderStats({ provider: 'anthropic' }).providers[0]?.enabled).toBe(true);
  });

  it('a file invalid at start is reported, does not stop the Ollama pings (or the process), and fixing it takes effect', async () => {
    const path = join(tempDir('keyway-cfg-'), 'routing_config.json');
    writeFileSync(path, JSON.stringify({ ...SEED_CONFIG, fallback_ordr: ['openai'] }));
    const service = openTestService({ configPath: path, providers: { configDebounceMs: 20, pingIntervalMs: 20, maxBackoffMs: 40 } });
    open.push(service);
    const reported = nextConfigChange(service);
    service.startBackgroundTasks();
    const event = await reported;
    expect(event).toMatchObject({ ok: false, error: expect.stringContaining('fallback_ordr') as string });
    expect(event.error).toContain('Routing is unavailable until the file is fixed');
    expect(service.auditEntries().at(-1)).toMatchObject({ action: 'config.reload', outcome: 'error', error_code: 'config_invalid' });
    const fixed = nextConfigChange(service);
    const pinged = new Promise((resolve) => service.events.on('provider.status', (e) => e.provider === 'local' && resolve(e)));
    replaceFile(path, JSON.stringify({ ...SEED_CONFIG, providers: { ...SEED_CONFIG.providers, local: { base_url: 'http://127.0.0.1:9' } } }));
    expect(await fixed).toMatchObject({ ok: true });
    expect(await pinged).toMatchObject({ provider: 'local', status: 'down' });
  });

  it('announces the recovery when an invalid edit is put back to the configuration in force', async () => {
    const { service, path } = withConfig(SEED_CONFIG);
    const good = readFileSync(path, 'utf8');
    service.startBackgroundTasks();
    const broken = nextConfigChange(service);
    replaceFile(path, '{ "providers": ');
    expect(await broken).toMatchObject({ ok: false });
    const restored = nextConfigChange(service);
    replaceFile(path, good);
    expect(await restored).toEqual({ path, ok: true, error: null });
    expect(service.auditEntries().at(-1)).toMatchObject({ action: 'config.reload', outcome: 'ok' });
  });

  it('applies an edit without a restart when the file is replaced by rename', async () => {
    const { service, path } = withConfig(SEED_CONFIG);
    await service.addKey({ provider: 'anthropic', api_key: canaryKey('anthropic') }, CTX);
    await service.addKey({ provider: 'openai', api_key: canaryKey('openai') }, CTX);
    service.startBackgroundTasks();
    expect(service.routeRequest({ task_type: 'chat' }).known_task_type).toBe(false);
    const changed = nextConfigChange(service);
    replaceFile(path, JSON.stringify({ ...SEED_CONFIG, routing: { ...SEED_CONFIG.routing, chat: 'openai' } }));
    expect(await changed).toEqual({ path, ok: true, error: null });
    expect(service.routeRequest({ task_type: 'chat' })).toMatchObject({ provider: 'openai', known_task_type: true });
    expect(service.auditEntries().at(-1)).toMatchObject({ action: 'config.reload', outcome: 'ok' });
  });

  it.each([
    ['invalid JSON', '{ "providers": ', 'not valid JSON'],
    ['a misspelt provider', JSON.stringify({ ...SEED_CONFIG, providers: { antropic: { enabled: true } } }), 'providers: unknown provider "antropic"; expected one of anthropic, openai, google, local'],
    ['a wrong type', JSON.stringify({ ...SEED_CONFIG, providers: { openai: { rate_limit: 'fast' } } }), 'providers.openai.rate_limit'],
    ['an unknown routing target', JSON.stringify({ ...SEED_CONFIG, routing: { chat: 'gpt' } }), 'routing.chat'],
    ['a misspelt provider field', JSON.stringify({ ...SEED_CONFIG, providers: { openai: { enabeld: false } } }), 'providers.openai.enabeld: unknown field "enabeld" (did you mean "enabled"?)'],
    ['a base_url with a password in it', JSON.stringify({ ...SEED_CONFIG, providers: { openai: { base_url: 'http://me:pw@127.0.0.1:9' } } }), 'providers.openai.base_url: expected a plain http(s) URL'],
    ['a misspelt top-level field', JSON.stringify({ ...SEED_CONFIG, fallback_ordr: ['openai'] }), 'fallback_ordr: unknown field "fallback_ordr" (did you mean "fallback_order"?)'],
    ['too-frequent remote checks', JSON.stringify({ ...SEED_CONFIG, health: { remote_check_interval_s: 5 } }), 'health.remote_check_interval_s: must be at least 60 seconds'],
  ])('reports an edit with %s (audit entry and event naming the file and field) and keeps the last good config', async (_what, text, expected) => {
    const { service, path } = withConfig(SEED_CONFIG);
    await service.addKey({ provider: 'anthropic', api_key: canaryKey('anthropic') }, CTX);
    service.startBackgroundTasks();
    const changed = nextConfigChange(service);
    replaceFile(path, text);
    const event = await changed;
    expect(event.ok).toBe(false);
    expect(event.error).toContain(path);
    expect(event.error).toContain(expected);
    expect(event.error).toContain('The last good configuration stays in force');
    expect(service.auditEntries().at(-1)).toMatchObject({ action: 'config.reload', outcome: 'error', error_code: 'config_invalid' });
    expect(service.routeRequest({ task_type: 'code_generation' }).provider).toBe('anthropic');
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});

describe('updateProviderConfig', () => {
  it('changes only the given fields, keeps unknown fields, and audits the change', async () => {
    const { service, path } = withConfig({ ...SEED_CONFIG, my_notes: 'keep me', providers: { anthropic: { ...SEED_CONFIG.providers.anthropic, team: 'infra' } } });
    const changed = nextConfigChange(service);
    const result = await service.updateProviderConfig('anthropic', { rate_limit: 20, base_url: 'http://127.0.0.1:9/proxy' }, CTX);
    expect(result.config).toMatchObject({ enabled: true, rate_limit: 20, base_url: 'http://127.0.0.1:9/proxy', team: 'infra' });
    expect(await changed).toMatchObject({ ok: true });
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(raw.my_notes).toBe('keep me');
    expect(raw.providers).toMatchObject({ anthropic: { team: 'infra', rate_limit: 20, models: ['claude-3-5-sonnet-20241022'] } });
    expect(service.auditEntries().at(-1)).toMatchObject({ action: 'config.update_provider', provider: 'anthropic', outcome: 'ok', detail: 'rate_limit,base_url' });
    await service.updateProviderConfig('anthropic', { base_url: null }, CTX);
    expect((JSON.parse(readFileSync(path, 'utf8')) as { providers: { anthropic: Record<string, unknown> } }).providers.anthropic).not.toHaveProperty('base_url');
  });

  it('adds a block for a provider the file did not list', async () => {
    const { service } = withConfig(SEED_CONFIG);
    const result = await service.updateProviderConfig('google', { enabled: false }, CTX);
    expect(result.config).toMatchObject({ enabled: false });
    expect(service.getProviderStats({ provider: 'google' }).providers[0]?.enabled).toBe(false);
  });

  it.each([
    [{ rate_limit: 0 }, 'rate_limit'],
    [{ rate_limit: 1.5 }, 'rate_limit'],
    [{ base_url: 'ftp://example.com' }, 'base_url'],
    [{ base_url: 'http://user:secret@proxy.example:8080' }, 'base_url: expected a plain http(s) URL, without user name, password'],
    [{ base_url: 'https://proxy.example/?key=abc' }, 'base_url: expected a plain http(s) URL'],
    [{ models: [''] }, 'models'],
    [{ enabled: 'no' }, 'enabled'],
    [{ colour: 'red' }, 'colour'],
    [{}, 'nothing to change: give at least one of enabled, models, rate_limit, base_url'],
    [{ rate_limit: 1e20 }, 'rate_limit: must be at most 1,000,000 requests per minute'],
  ])('refuses %j naming %s and leaves the file as it was', async (patch, field) => {
    const { service, path } = withConfig(SEED_CONFIG);
    const before = readFileSync(path, 'utf8');
    await expect(service.updateProviderConfig('anthropic', patch as never, CTX)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining(field) as string });
    expect(readFileSync(path, 'utf8')).toBe(before);
  });
});
