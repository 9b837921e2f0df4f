import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardToken, tokenPath } from '../../src-main/http/auth.js';
import { TokenStore } from '../../src-main/core/tokens/token-store.js';
import { sendJson, type HttpRoute } from '../../src-main/http/route.js';
import { startHttpServer, type RunningHttpServer } from '../../src-main/http/server.js';
import { knownTokens, rawRequest } from '../support/http.js';
import { tempDir } from '../support/temp-dir.js';

const TOKEN = 'T'.repeat(43);
const EDITOR = 'E'.repeat(43);
let running: RunningHttpServer | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

const route =
  (path: string, body: unknown): HttpRoute =>
  async (_req, res, url) => {
    if (url.pathname !== path) return false;
    sendJson(res, 200, body);
    return true;
  };

async function start(): Promise<RunningHttpServer> {
  running = await startHttpServer({
    authenticate: knownTokens({ [TOKEN]: 'dashboard', [EDITOR]: 'editor' }),
    port: 0,
    publicRoutes: [route('/ui/', { page: true })],
    routes: { dashboard: [route('/api/x', { data: 1 })], editor: [route('/mcp', { mcp: 1 })] },
  });
  return running;
}

describe('local HTTP server', () => {
  it('serves a protected route with the right bearer token and a public route without one', async () => {
    const { port } = await start();
    const ok = await rawRequest(port, { path: '/api/x', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ data: 1 });
    const page = await rawRequest(port, { path: '/ui/' });
    expect(page.status).toBe(200);
    expect((await rawRequest(port, { path: '/nope', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(403);
  });

  it('takes the Bearer scheme name in any case, as HTTP defines it', async () => {
    const { port } = await start();
    for (const scheme of ['bearer', 'BEARER']) expect((await rawRequest(port, { path: '/api/x', headers: { authorization: `${scheme} ${TOKEN}` } })).status).toBe(200);
  });

  it.each([
    ['no token', {}, 401],
    ['wrong token', { authorization: `Bearer ${'x'.repeat(43)}` }, 401],
    ['token without Bearer', { authorization: TOKEN }, 401],
    ['foreign Host', { authorization: `Bearer ${TOKEN}`, host: 'evil.example:80' }, 403],
    ['foreign Origin', { authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example' }, 403],
  ])('refuses a protected request with %s', async (_name, headers: Record<string, string>, status) => {
    const { port } = await start();
    const res = await rawRequest(port, { path: '/api/x', headers });
    expect(res.status).toBe(status);
    expect(res.body).not.toContain('"data"');
    expect(res.body).not.toContain(TOKEN);
  });

  it('opens to each token only the routes of its kind', async () => {
    const { port } = await start();
    const as = (token: string, path: string) => rawRequest(port, { path, headers: { authorization: `Bearer ${token}` } });
    expect((await as(EDITOR, '/mcp')).status).toBe(200);
    const refused = await as(EDITOR, '/api/x');
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain('"data"');
    expect(refused.body).toContain('Editor tokens open only /mcp');
    expect((await as(TOKEN, '/mcp')).status).toBe(403);
  });

  it('applies the Host and Origin checks to public routes too', async () => {
    const { port } = await start();
    expect((await rawRequest(port, { path: '/ui/', headers: { host: 'rebind.example:1234' } })).status).toBe(403);
    expect((await rawRequest(port, { path: '/ui/', headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await rawRequest(port, { path: '/ui/', headers: { host: `localhost:${port}`, origin: `http://localhost:${port}` } })).status).toBe(200);
  });

  it('binds to loopback only', async () => {
    const { server } = await start();
    expect(server.address()).toMatchObject({ address: '127.0.0.1' });
  });
});

describe('dashboard token file', () => {
  it('is created once with mode 0600, reused on the next run, and replaced once revoked or unknown', async () => {
    const dir = tempDir();
    const tokens = new TokenStore({ dataDir: dir });
    const first = await dashboardToken(tokens, dir);
    expect(first).toMatch(/^kw_dashboard_[A-Za-z0-9_-]{43}$/);
    expect(statSync(tokenPath(dir)).mode & 0o777).toBe(0o600);
    expect(await dashboardToken(tokens, dir)).toBe(first);
    await tokens.revoke(tokens.verify(first)!.id);
    const second = await dashboardToken(tokens, dir);
    expect(second).not.toBe(first);
    expect(tokens.verify(second, 'dashboard')).not.toBeNull();
  });
});
