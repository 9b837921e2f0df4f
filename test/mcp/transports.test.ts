import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ListKeysResult } from '../../src-main/shared/keys.js';
import { canaryCore, canaryKey } from '../support/canary.js';
import { join } from 'node:path';
import { fileStoreEnv, httpClient, ok, openServiceIn, socketClient, startTestServer, stdioClient, type TestServer } from '../support/mcp.js';
import { knownTokens, rawRequest } from '../support/http.js';
import { tempDir } from '../support/temp-dir.js';
import { KEYWAY_BIN } from '../support/cli.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

async function track<T extends { close(): Promise<void> }>(value: T): Promise<T> {
  open.push(value);
  return value;
}

describe('keyway mcp (stdio, the real built binary)', () => {
  it('writes nothing but JSON-RPC lines to stdout, even for failures and unknown methods', async () => {
    const { spawn } = await import('node:child_process');
    const dataDir = tempDir();
    const child = spawn(process.execPath, [KEYWAY_BIN, 'mcp'], { env: fileStoreEnv(dataDir), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const lines = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'remove_api_key', arguments: { provider: 'openai' } } },
      { jsonrpc: '2.0', id: 3, method: 'no/such/method' },
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'get_usage', arguments: {} } },
    ];
    child.stdin.write(lines.map((l) => JSON.stringify(l)).join('\n') + '\nthis is not json\n');
    await new Promise<void>((resolve) => {
      const check = () => ([1, 2, 3, 4].every((id) => stdout.includes(`"id":${id}}`) || stdout.includes(`"id":${id},`)) ? resolve() : setTimeout(check, 20));
      check();
    });
    child.stdin.end();
    await new Promise((resolve) => child.on('close', resolve));
    const messages = stdout.trim().split('\n').map((line) => JSON.parse(line) as { jsonrpc: string; id?: number });
    expect(messages.every((m) => m.jsonrpc === '2.0')).toBe(true);
    expect(messages.filter((m) => m.id !== undefined).map((m) => m.id).sort()).toEqual([1, 2, 3, 4]);
  });


  it('serves in-process when no service runs, with nothing but protocol on stdout', async () => {
    const dataDir = tempDir();
    const secret = canaryKey('anthropic');
    const stderr: string[] = [];
    const client = await track(await stdioClient(fileStoreEnv(dataDir, { ANTHROPIC_API_KEY: secret }), stderr));
    await ok(client, 'add_api_key', { provider: 'anthropic', env_var: 'ANTHROPIC_API_KEY' });
    const listed = await ok<ListKeysResult>(client, 'list_api_keys');
    expect(listed.keys.map((k) => k.id)).toEqual(['anthropic:default']);
    expect(listed.keys[0]!.source).toContain('ANTHROPIC_API_KEY');
    await client.close();
    expect(stderr.join('')).not.toContain(canaryCore(secret));
    const service = openServiceIn(dataDir);
    expect(service.auditEntries(1)[0]!.actor).toBe('mcp:stdio-client@9.9');
  });

  it('bridges to the running service and forwards only the env_var it names', async () => {
    const server = await track(await startTestServer());
    const secret = canaryKey('openai');
    const other = canaryKey('google');
    // The service's own environment has neither variable: the value can only come from the bridge.
    const env = fileStoreEnv(server.service.dataDir, { OPENAI_API_KEY: secret, GOOGLE_API_KEY: other, SECRET_KEY: 'not-the-service-key' });
    const stderr: string[] = [];
    const client = await track(await stdioClient(env, stderr));
    await ok(client, 'add_api_key', { provider: 'openai', env_var: 'OPENAI_API_KEY' });
    expect((await server.service.keys.getSecret('openai')).current).toBe(secret);
    expect(server.service.listKeys().keys.map((k) => k.id)).toEqual(['openai:default']);
    expect(stderr.join('')).toContain('bridging to the running service');
    expect(JSON.stringify(server.logs) + stderr.join('')).not.toContain(canaryCore(secret));
    expect(JSON.stringify(server.logs)).not.toContain(canaryCore(other));
  });
});

describe('Streamable HTTP at /mcp', () => {
  let server: TestServer;
  const token = () => server.editorToken;
  beforeEach(async () => {
    server = await track(await startTestServer());
  });

  it('serves the same tools with the bearer token and shares state with the socket', async () => {
    const client: Client = await track(await httpClient(server.running.info.mcp_url, server.editorToken));
    await ok(client, 'add_api_key', { provider: 'google', api_key: canaryKey('google') });
    expect(server.service.listKeys().keys.map((k) => k.id)).toEqual(['google:default']);
    expect(server.service.auditEntries(1)[0]!.actor).toBe('mcp:http-client@0.0.1');
  });

  it.each([
    ['no token', { authorization: undefined }],
    ['a wrong token', { authorization: 'Bearer wrong-token-wrong-token-wrong-token-000' }],
    ['the dashboard token (it opens /ui and /api only)', { authorization: 'dashboard' }],
    ['a foreign Host', { host: 'attacker.example' }],
    ['a foreign Origin', { origin: 'http://attacker.example' }],
  ])('refuses an initialize with %s', async (_name, overrides: Record<string, string | undefined>) => {
    if (overrides.authorization === 'dashboard') overrides = { authorization: `Bearer ${server.running.token}` };
    const headers = Object.fromEntries(
      Object.entries({ authorization: `Bearer ${token()}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...overrides }).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    );
    const { port } = new URL(server.running.info.mcp_url);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
    const res = await rawRequest(Number(port), {
      method: 'POST',
      path: '/mcp',
      headers,
      body,
    });
    expect([401, 403]).toContain(res.status);
    expect(res.headers['mcp-session-id']).toBeUndefined();
    expect(res.body).not.toContain(server.running.token);
    expect(res.body).not.toContain(server.editorToken);
  });

  it('accepts the same raw initialize with the token and loopback Host (the refusals above are real)', async () => {
    const { port } = new URL(server.running.info.mcp_url);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
    const res = await rawRequest(Number(port), {
      method: 'POST',
      path: '/mcp',
      headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', origin: `http://127.0.0.1:${port}` },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers['mcp-session-id']).toEqual(expect.any(String));
  });
});

describe('the MCP socket', () => {
  it('survives garbage, half messages and abrupt disconnects, and keeps serving other clients', async () => {
    const server = await track(await startTestServer());
    const { connect } = await import('node:net');
    for (const junk of ['not json at all\n', '{"jsonrpc":"2.0","id":1,"method":\n', `${'x'.repeat(200_000)}\n`, '\u0000\u0001\u0002\n', '{"jsonrpc":"2.0","id":1,"method":"tools/call"']) {
      await new Promise<void>((resolve) => {
        const raw = connect(server.running.info.socket, () => raw.end(junk));
        raw.on('close', () => resolve());
        raw.on('error', () => resolve());
      });
    }
    const client = await track(await socketClient(server.running.info.socket));
    expect((await ok<ListKeysResult>(client, 'list_api_keys')).keys).toEqual([]);
  });

  it('drops the answers owed to a client that vanished, without piling up listeners, and keeps serving', async () => {
    const server = await track(await startTestServer());
    const { connect } = await import('node:net');
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning.name);
    process.on('warning', onWarning);
    const lines: object[] = [{ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'gone', version: '1' } } }];
    for (let id = 1; id <= 30; id++) lines.push({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'track_request', arguments: { provider: 'openai', input_tokens: 1, output_tokens: 1 } } });
    await new Promise<void>((resolve) => {
      const raw = connect(server.running.info.socket, () => raw.write(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`, () => raw.destroy()));
      raw.on('close', () => resolve());
    });
    const client = await track(await socketClient(server.running.info.socket));
    await ok(client, 'list_api_keys');
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('refuses a data dir whose socket path is too long for the OS, naming the fix', async () => {
    const service = openServiceIn(join(tempDir(), 'd'.repeat(100)));
    await expect(startTestServer(service)).rejects.toThrow(/shorter --data-dir/);
    service.close();
  });
});

describe('HTTP sessions', () => {
  it('closes the least recently used session past the limit, and the others keep working', async () => {
    const { mcpHttpEndpoint } = await import('../../src-main/mcp/http-route.js');
    const { startHttpServer } = await import('../../src-main/http/server.js');
    const service = openServiceIn();
    const endpoint = mcpHttpEndpoint({ service, transport: 'http' }, { maxSessions: 2 });
    const http = await startHttpServer({ authenticate: knownTokens({ ['T'.repeat(43)]: 'editor' }), port: 0, routes: { editor: [endpoint.route] } });
    open.push({
      close: async () => {
        await endpoint.close();
        await http.close();
        service.close();
      },
    });
    const url = `${http.origin}/mcp`;
    const first = await track(await httpClient(url, 'T'.repeat(43), 'first'));
    const second = await track(await httpClient(url, 'T'.repeat(43), 'second'));
    await second.ping();
    await first.ping(); // first is now the most recent
    const third = await track(await httpClient(url, 'T'.repeat(43), 'third'));
    expect(endpoint.sessions()).toBe(2);
    await expect(second.ping()).rejects.toThrow();
    await first.ping();
    await third.ping();
  });
});
