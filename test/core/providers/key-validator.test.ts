import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProviderId } from '../../../src-main/shared/providers.js';
import type { ValidationOutcome } from '../../../src-main/shared/validation.js';
import { canaryCore, canaryKey } from '../../support/canary.js';
import type { EmulatorMode } from '../../emulators/index.js';
import { CTX, routingSuite, type RoutingFixture } from '../routing/routing-fixture.js';

const suite = await routingSuite();
const { emu } = suite;

/** A generous timeout so a loaded machine never turns a valid answer into `timeout`; the hang case shortens it. */
function fixture(timeoutMs = 5_000): RoutingFixture {
  return suite.fixture({ providers: { timeoutMs } });
}

const PROVIDERS: ProviderId[] = ['anthropic', 'openai', 'google', 'local'];

describe('validateKey against the provider emulators', () => {
  it.each(PROVIDERS)('%s: a key the provider accepts is valid, stored on the record and audited by fingerprint', async (provider) => {
    const { service, addKeys } = fixture();
    await addKeys(provider);
    const result = await service.validateKey(provider, undefined, {}, CTX);
    expect(result).toMatchObject({ provider, outcome: 'valid', ok: true, http_status: 200, offline: false });
    const record = service.listKeys({ provider }).keys[0];
    expect(record).toMatchObject({ validation: 'valid', last_validated_at: result.checked_at });
    const audit = service.auditEntries().filter((e) => e.action === 'key.validate');
    expect(audit.at(-1)).toMatchObject({ actor: 'test', provider, key_id: `${provider}:default`, fingerprint: record?.fingerprint, outcome: 'ok', detail: 'live: valid (HTTP 200)' });
  });

  it('sends each key the way its provider expects, and the Google key only in the x-goog-api-key header, never in a URL', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic', 'openai', 'google', 'local');
    await service.validateAllKeys({}, CTX);
    const [a] = emu.anthropic.requests;
    expect(a).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(a?.headers['x-api-key']).toBe(emu.anthropic.key);
    expect(a?.headers['anthropic-version']).toBe('2023-06-01');
    expect(emu.openai.requests[0]?.headers.authorization).toBe(`Bearer ${emu.openai.key}`);
    const [g] = emu.google.requests;
    expect(g).toMatchObject({ method: 'GET', path: '/v1beta/models', query: {} });
    expect(g?.headers['x-goog-api-key']).toBe(emu.google.key);
    for (const e of [emu.anthropic, emu.openai, emu.google, emu.ollama]) {
      for (const request of e.requests) expect(request.url).not.toContain(canaryCore(e.key));
    }
    expect(emu.ollama.requests[0]).toMatchObject({ method: 'GET', path: '/api/version' });
  });

  const outcomes: Array<[ProviderId, EmulatorMode | 'wrong_key', ValidationOutcome, number | null]> = [
    ['anthropic', 'wrong_key', 'invalid', 401],
    ['openai', 'wrong_key', 'invalid', 401],
    ['google', 'wrong_key', 'invalid', 400],
    ['anthropic', 'unauthorized', 'invalid', 401],
    ['openai', 'forbidden', 'invalid', 403],
    ['google', 'forbidden', 'invalid', 403],
    ['anthropic', 'rate_limited', 'rate_limited', 429],
    ['openai', 'server_error', 'error', 500],
    ['google', 'server_error', 'error', 500],
    ['anthropic', 'down', 'unreachable', null],
    ['openai', 'hang', 'timeout', null],
    ['local', 'down', 'unreachable', null],
  ];

  it.each(outcomes)('%s answering %s gives %s (HTTP %s)', async (provider, mode, outcome, status) => {
    const { service, addKeys } = fixture(mode === 'hang' ? 300 : undefined);
    if (mode === 'wrong_key') await service.addKey({ provider, api_key: canaryKey(provider) }, CTX);
    else {
      await addKeys(provider);
      await emu.of(provider).set(mode);
    }
    const result = await service.validateKey(provider, undefined, {}, CTX);
    expect(result.outcome).toBe(outcome);
    expect(result.http_status).toBe(status);
    expect(result.ok).toBe(outcome === 'rate_limited');
    expect(service.listKeys({ provider }).keys[0]?.validation).toBe(outcome);
  });

  it('records provider health from the outcome: down when unreachable, up again when it answers', async () => {
    const { service, addKeys } = fixture();
    await addKeys('openai');
    await emu.openai.set('down');
    await service.validateKey('openai', undefined, {}, CTX);
    expect(service.getProviderStats({ provider: 'openai' }).providers[0]?.health.status).toBe('down');
    await emu.openai.set('ok');
    await service.validateKey('openai', undefined, {}, CTX);
    const health = service.getProviderStats({ provider: 'openai' }).providers[0]?.health;
    expect(health?.status).toBe('up');
    expect(health?.latency_ms).not.toBeNull();
  });

  it('a base_url with nothing at the validation path gives error (HTTP 404) saying to check base_url', async () => {
    const { service, addKeys } = fixture();
    await addKeys('openai');
    await service.updateProviderConfig('openai', { base_url: `${emu.openai.baseUrl}/wrong-prefix` }, CTX);
    const result = await service.validateKey('openai', undefined, {}, CTX);
    expect(result).toMatchObject({ outcome: 'error', http_status: 404, detail: 'HTTP 404: nothing answers at /wrong-prefix/v1/models there; check base_url' });
  });

  it('never follows a redirect with the key: the check fails saying to set base_url to the new address', async () => {
    const { service, addKeys } = fixture();
    await addKeys('openai');
    const redirector = createServer((_req, res) => {
      res.writeHead(301, { location: `${emu.openai.baseUrl}/v1/models` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirector.address() as AddressInfo;
      await service.updateProviderConfig('openai', { base_url: `http://127.0.0.1:${port}` }, CTX);
      const result = await service.validateKey('openai', undefined, {}, CTX);
      expect(result).toMatchObject({ outcome: 'unreachable', detail: expect.stringContaining('set base_url to the address it redirects to') as string });
      expect(emu.openai.requests).toHaveLength(0);
    } finally {
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it('announces a rejected key as a provider.status event carrying the key id', async () => {
    const { service } = fixture();
    await service.addKey({ provider: 'anthropic', api_key: canaryKey('anthropic') }, CTX);
    const seen: unknown[] = [];
    service.events.on('provider.status', (e) => seen.push(e));
    await service.validateKey('anthropic', undefined, {}, CTX);
    expect(seen).toContainEqual(expect.objectContaining({ provider: 'anthropic', key_id: 'anthropic:default', key_validation: 'invalid' }));
  });

  it('offline checks only the format: no request is made and an earlier live result is kept', async () => {
    const { service, addKeys } = fixture();
    await addKeys('openai');
    await service.validateKey('openai', undefined, {}, CTX);
    const before = emu.openai.requests.length;
    const result = await service.validateKey('openai', undefined, { offline: true }, CTX);
    expect(result).toMatchObject({ outcome: 'format_ok', ok: true, offline: true, http_status: null });
    expect(emu.openai.requests.length).toBe(before);
    expect(service.listKeys({ provider: 'openai' }).keys[0]?.validation).toBe('valid');
  });

  it('validateAllKeys checks every key concurrently and counts valid and failed', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic', 'openai', 'google');
    await service.addKey({ provider: 'openai', label: 'old', api_key: canaryKey('openai') }, CTX);
    const all = await service.validateAllKeys({}, CTX);
    expect(all.results.map((r) => [r.key_id, r.outcome])).toEqual([
      ['anthropic:default', 'valid'],
      ['google:default', 'valid'],
      ['openai:default', 'valid'],
      ['openai:old', 'invalid'],
    ]);
    expect(all).toMatchObject({ valid: 3, failed: 1 });
  });

  it('fails with key_not_found (and an audit entry) for a label that does not exist', async () => {
    const { service } = fixture();
    await expect(service.validateKey('openai', 'work', {}, CTX)).rejects.toMatchObject({ code: 'key_not_found', remedy: { action: 'add_key', provider: 'openai', label: 'work' } });
    expect(service.auditEntries().at(-1)).toMatchObject({ action: 'key.validate', outcome: 'error', error_code: 'key_not_found' });
  });

  it.each([
    [{ provider: 'mistral' }, 'provider'],
    [{ provider: 'openai', label: 'bad label' }, 'label'],
    [{ provider: 'openai', offline: 'yes' }, 'offline'],
  ])('rejects invalid input %j naming %s', async (input, field) => {
    const { service } = fixture();
    await expect(service.providers.validateKey(input as never, CTX)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining(field) as string });
  });

  it('never writes a secret anywhere: results, events, audit log, settings and every file in the data dir', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic', 'openai', 'google', 'local');
    const wrong = canaryKey('google');
    await service.addKey({ provider: 'google', label: 'wrong', api_key: wrong }, CTX);
    const events: unknown[] = [];
    service.events.onAny((name, payload) => events.push({ name, payload }));
    const outputs: unknown[] = [];
    outputs.push(await service.validateAllKeys({}, CTX));
    await emu.anthropic.set('rate_limited');
    await emu.openai.set('server_error');
    await emu.google.set('unauthorized');
    await emu.ollama.set('down');
    outputs.push(await service.validateAllKeys({}, CTX));
    outputs.push(await service.validateAllKeys({ offline: true }, CTX));
    outputs.push(service.getProviderStats(), service.getRoutingRecommendations());
    const files = readdirSync(service.dataDir, { recursive: true, encoding: 'utf8' })
      .map((name) => join(service.dataDir, name))
      .filter((path) => statSync(path).isFile())
      .map((path) => readFileSync(path, 'latin1'));
    const haystack = [JSON.stringify(outputs), JSON.stringify(events), ...files].join('\n');
    expect(events.length).toBeGreaterThan(0);
    for (const secret of [emu.anthropic.key, emu.openai.key, emu.google.key, emu.ollama.key, wrong]) {
      expect(haystack).not.toContain(canaryCore(secret));
    }
  });
});

describe('a key for local', () => {
  it('is never sent to whatever listens where local points by default; only to a base_url the owner set', async () => {
    const { createServer } = await import('node:http');
    const { openTestService } = await import('../../support/service.js');
    const seen: Array<string | undefined> = [];
    const listener = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"0.0.0"}');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(listener.address() as { port: number }).port}`;
    const service = openTestService({ env: { OLLAMA_HOST: url } });
    try {
      const secret = canaryKey('local');
      await service.addKey({ provider: 'local', api_key: secret }, CTX);
      await service.validateKey('local', undefined, {}, CTX);
      expect(seen).toEqual([undefined]);
      await service.updateProviderConfig('local', { base_url: url }, CTX);
      await service.validateKey('local', undefined, {}, CTX);
      expect(seen).toEqual([undefined, `Bearer ${secret}`]);
    } finally {
      service.close();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });
});
