import { afterEach, describe, expect, it } from 'vitest';
import type { KeywayService } from '../../src-main/core/service.js';
import { apiRoutes, httpStatusFor } from '../../src-main/http/api-routes.js';
import { startHttpServer, type RunningHttpServer } from '../../src-main/http/server.js';
import { canaryCore, canaryKey } from '../support/canary.js';
import { knownTokens } from '../support/http.js';
import { openTestService } from '../support/service.js';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuv';
const open: Array<{ server: RunningHttpServer; service: KeywayService }> = [];
afterEach(async () => {
  while (open.length > 0) {
    const { server, service } = open.pop()!;
    await server.close();
    service.close();
  }
});

async function start(): Promise<{ origin: string; service: KeywayService }> {
  const service = openTestService({ timeZone: 'UTC' });
  const server = await startHttpServer({ authenticate: knownTokens({ [TOKEN]: 'dashboard' }), port: 0, routes: { dashboard: apiRoutes(service) } });
  open.push({ server, service });
  return { origin: server.origin, service };
}

const auth = { authorization: `Bearer ${TOKEN}` };
const post = (origin: string, channel: string, body: string, headers: Record<string, string> = auth) =>
  fetch(`${origin}/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('/api routes', () => {
  it('refuses calls without the bearer token and shows no data', async () => {
    const { origin } = await start();
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }] as Record<string, string>[]) {
      const res = await post(origin, 'dashboard.get', '{}', headers);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('spent_usd');
    }
    expect((await fetch(`${origin}/api/events`)).status).toBe(401);
  });

  it('answers a channel with the contract envelope', async () => {
    const { origin, service } = await start();
    const res = await post(origin, 'settings.get', '');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, result: { data_dir: service.dataDir, allow_mcp_key_changes: true } });
  });

  it.each([
    ['malformed JSON', 'keys.add', '{"provider":', 400, 'invalid_input'],
    ['a schema violation', 'keys.add', '{"provider":"anthropic","api_key":"sk-ant-x","extra":1}', 400, 'invalid_input'],
    ['a key in the wrong format', 'keys.add', '{"provider":"anthropic","api_key":"nope"}', 400, 'invalid_key_format'],
    ['removing a key that does not exist', 'keys.remove', '{"provider":"openai","label":"ghost"}', 404, 'key_not_found'],
    ['an unknown channel', 'keys.exfiltrate', '{}', 400, 'invalid_input'],
  ])('maps %s to HTTP %i with the error code', async (_name, channel, body, status, code) => {
    const { origin } = await start();
    const res = await post(origin, channel, body);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ ok: false, error: { code } });
  });

  it('refuses bodies over 64 KB and GET on call routes', async () => {
    const { origin } = await start();
    const big = await post(origin, 'keys.add', JSON.stringify({ provider: 'openai', api_key: `sk-${'a'.repeat(70_000)}` }));
    expect(big.status).toBe(400);
    expect(await big.text()).not.toContain('aaaa');
    const get = await fetch(`${origin}/api/keys.list`, { headers: auth });
    expect(get.status).toBe(405);
  });

  it('never echoes a secret: the add answer and the list carry only the masked key', async () => {
    const { origin } = await start();
    const secret = canaryKey('openai');
    const added = await (await post(origin, 'keys.add', JSON.stringify({ provider: 'openai', api_key: secret }))).text();
    const listed = await (await post(origin, 'keys.list', '{}')).text();
    expect(added + listed).not.toContain(canaryCore(secret));
    expect(listed).toContain(`sk-...${secret.slice(-4)}`);
  });

  it('pushes a change notice on /api/events when a key is added', async () => {
    const { origin, service } = await start();
    const controller = new AbortController();
    const res = await fetch(`${origin}/api/events`, { headers: auth, signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    await service.addKey({ provider: 'anthropic', api_key: canaryKey('anthropic') }, { principal: 'owner', actor: 'test' });
    while (!text.includes('key.changed')) text += decoder.decode((await reader.read()).value);
    expect(text).toContain('event: change\ndata: {"name":"key.changed"}');
    controller.abort();
  });

  it('maps every error code to a 4xx or 5xx status', () => {
    expect(httpStatusFor('invalid_input')).toBe(400);
    expect(httpStatusFor('key_not_found')).toBe(404);
    expect(httpStatusFor('internal')).toBe(500);
    expect(httpStatusFor('audit_broken')).toBeGreaterThanOrEqual(400);
  });
});
