import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../src-main/http/server.js';
import { staticUiRoutes, UI_CSP } from '../../src-main/http/static-ui.js';
import { tempDir } from '../support/temp-dir.js';

const servers: RunningHttpServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

async function serve(uiDir: string): Promise<string> {
  const server = await startHttpServer({ authenticate: () => null, port: 0, publicRoutes: staticUiRoutes(uiDir) });
  servers.push(server);
  return server.origin;
}

function builtUi(): string {
  const root = tempDir();
  const dir = join(root, 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Keyway</title>');
  writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'outside the ui dir');
  return dir;
}

describe('/ui static files', () => {
  it('has the same CSP in the page (Electron loads it from file://, where no header applies) as in the served header', () => {
    const html = readFileSync(new URL('../../src-renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    const directives = (csp: string): string[] => csp.split(';').map((d) => d.trim()).filter(Boolean).sort();
    // frame-ancestors is ignored in a meta tag; the header and the Electron window (no framing) cover it.
    expect(directives(meta ?? '')).toEqual(directives(UI_CSP).filter((d) => !d.startsWith('frame-ancestors')));
  });

  it('serves the page without a token, with a strict CSP and no framing', async () => {
    const origin = await serve(builtUi());
    const res = await fetch(`${origin}/ui/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Keyway</title>');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves hashed assets with their type and long caching', async () => {
    const res = await fetch(`${await serve(builtUi())}/ui/assets/app-1.js`);
    expect(res.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('redirects / and /ui to /ui/', async () => {
    const origin = await serve(builtUi());
    for (const path of ['/', '/ui']) {
      const res = await fetch(`${origin}${path}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/ui/');
    }
  });

  it.each(['/ui/%2e%2e/secret.txt', '/ui/..%2fsecret.txt', '/ui/assets/..%2f..%2fsecret.txt', '/ui/%00', '/ui/missing.js', '/ui/%E0%A4%A'])('does not serve %s', async (path) => {
    const res = await fetch(`${await serve(builtUi())}${path}`);
    // 404 from the UI route, or 401 when URL normalisation already took the path out of /ui/.
    expect([401, 404]).toContain(res.status);
    expect(await res.text()).not.toContain('outside the ui dir');
  });

  it('says how to build the UI when it is missing', async () => {
    const res = await fetch(`${await serve(join(tempDir(), 'nothing'))}/ui/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:renderer');
  });

  it('does not answer for other paths, so protected routes stay behind the token', async () => {
    const res = await fetch(`${await serve(builtUi())}/api/keys.list`, { method: 'POST' });
    expect(res.status).toBe(401);
  });
});
