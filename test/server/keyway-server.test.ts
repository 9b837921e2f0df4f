import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startKeywayServer } from '../../src-main/server/keyway-server.js';
import { findRunningServer, readServerInfo } from '../../src-main/server/server-info.js';
import { openServiceIn, startTestServer, type TestServer } from '../support/mcp.js';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('startKeywayServer (in-process, as the tray app uses it)', () => {
  it('is found by other processes while it runs and leaves nothing behind when closed', async () => {
    const server = await startTestServer();
    const dataDir = server.service.dataDir;
    expect(await findRunningServer(dataDir)).toEqual(server.running.info);
    await server.running.close();
    expect(readServerInfo(dataDir)).toBeUndefined();
    expect(existsSync(join(dataDir, 'keyway.sock'))).toBe(false);
    expect(await findRunningServer(dataDir)).toBeUndefined();
    server.service.close();
  });

  it('refuses a second server on the same data dir', async () => {
    const first = await startTestServer();
    servers.push(first);
    await expect(startKeywayServer({ service: first.service, port: 0 })).rejects.toMatchObject({ code: 'service_running' });
    expect(await findRunningServer(first.service.dataDir)).toEqual(first.running.info);
  });

  it('names the port when it is taken, and cleans up its socket', async () => {
    const first = await startTestServer();
    servers.push(first);
    const port = Number(new URL(first.running.info.mcp_url).port);
    const service = openServiceIn();
    await expect(startKeywayServer({ service, port })).rejects.toThrow(`Port ${port} on 127.0.0.1 is in use`);
    expect(existsSync(join(service.dataDir, 'keyway.sock'))).toBe(false);
    expect(readServerInfo(service.dataDir)).toBeUndefined();
    service.close();
  });

  it('answers gateway paths (its module loaded on first use) in the provider format, and nothing else as the gateway', async () => {
    const server = await startTestServer();
    servers.push(server);
    const origin = server.running.info.http_origin;
    const res = await fetch(`${origin}/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Keyway gateway token/);
    const other = await fetch(`${origin}/openai-not-a-gateway/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(other.status).toBe(401);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  });
});
