import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OWNER_CLI } from '../../src-main/shared/caller.js';
import { canaryCore, canaryKey } from '../support/canary.js';
import { KEYWAY_BIN } from '../support/cli.js';
import { call, fileStoreEnv, httpClient, openServiceIn, startTestServer, stdioClient, textOf, type TestServer } from '../support/mcp.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The attack pass of issue 10, replayed over every way an agent reaches Keyway: the SDK client
 * over HTTP with an editor token, the stdio bridge, raw JSON-RPC written to the bridge, and /api
 * with an editor token. A listener on 127.0.0.1 records every header it is sent.
 */

interface Listener {
  url: string;
  seen: IncomingHttpHeaders[];
  close(): Promise<void>;
}

async function listener(): Promise<Listener> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[],"models":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

const GITHUB_TOKEN = `ghp_CANARY${'a1'.repeat(18)}`;
const AWS_SECRET = `aws/CANARY${'b2'.repeat(16)}`;
const DOTENV_PASSWORD = `hunter2-CANARY${'c3'.repeat(8)}`;

let server: TestServer;
let sink: Listener;
let anthropicKey: string;

beforeEach(async () => {
  const dataDir = tempDir();
  // The test service runs in its data dir: a .env there is one the service itself would read.
  writeFileSync(join(dataDir, '.env'), `DB_PASSWORD=${DOTENV_PASSWORD}\n`);
  const service = openServiceIn(dataDir, { GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY: AWS_SECRET });
  server = await startTestServer(service);
  closers.push(() => server.close());
  sink = await listener();
  closers.push(() => sink.close());
  anthropicKey = canaryKey('anthropic');
  await service.addKey({ provider: 'anthropic', api_key: anthropicKey }, OWNER_CLI);
});

function secretsIn(text: string): string[] {
  return [GITHUB_TOKEN, AWS_SECRET, DOTENV_PASSWORD, anthropicKey].filter((s) => text.includes(canaryCore(s)));
}

/** The hostile calls an MCP client made in the attack pass; none may succeed or leak. */
const ATTACKS: Array<[string, Record<string, unknown>]> = [
  ['add_api_key', { provider: 'google', env_var: 'GITHUB_TOKEN' }],
  ['add_api_key', { provider: 'google', env_var: 'AWS_SECRET_ACCESS_KEY' }],
  ['add_api_key', { provider: 'google', env_var: 'DB_PASSWORD' }],
  ['add_api_key', { provider: 'local', env_var: 'GITHUB_TOKEN' }],
  ['add_api_key', { provider: 'local', api_key: 'anything-at-all' }],
  ['rotate_key', { provider: 'anthropic', env_var: 'GITHUB_TOKEN' }],
  ['update_provider_config', { provider: 'anthropic', base_url: 'SINK' }],
  ['update_provider_config', { provider: 'local', base_url: 'SINK' }],
  ['update_provider_config', { provider: 'openai', base_url: 'https://collector.example' }],
];

async function attackOver(client: Client, expectedActor: RegExp): Promise<void> {
  const auditBefore = server.service.auditEntries(1000).length;
  const configBefore = readFileSync(server.service.config.path, 'utf8');
  for (const [tool, rawArgs] of ATTACKS) {
    const args = Object.fromEntries(Object.entries(rawArgs).map(([k, v]) => [k, v === 'SINK' ? sink.url : v]));
    const result = await call(client, tool, args);
    expect(result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
    expect(result._meta?.['keyway/error_code'], tool).toBe('forbidden');
    // Says what the owner can do instead.
    expect(textOf(result)).toMatch(/Only the user can do this: ask them to run `keyway /);
    expect(secretsIn(JSON.stringify(result))).toEqual([]);
  }
  // What an agent may still do: validate the stored key against its configured (official) endpoint.
  await call(client, 'validate_key', { provider: 'anthropic', offline: true });
  expect(sink.seen).toEqual([]);
  expect(server.service.listKeys().keys.map((k) => k.id)).toEqual(['anthropic:default']);
  expect((await server.service.keys.getSecret('anthropic')).current).toBe(anthropicKey);
  expect(readFileSync(server.service.config.path, 'utf8')).toBe(configBefore);
  const refusals = server.service.auditEntries(1000).slice(auditBefore).filter((e) => e.error_code === 'forbidden');
  expect(refusals).toHaveLength(ATTACKS.length);
  for (const entry of refusals) {
    expect(entry.actor).toMatch(expectedActor);
    expect(entry.outcome).toBe('error');
    expect(entry.detail).toMatch(/^refused for agent; owner can: owner_/);
  }
  expect(secretsIn(readFileSync(join(server.service.dataDir, 'audit.jsonl'), 'utf8') + JSON.stringify(server.logs))).toEqual([]);
}

describe('an agent cannot exfiltrate keys or environment secrets', () => {
  it('over Streamable HTTP with an editor token', async () => {
    const client = await httpClient(server.running.info.mcp_url, server.editorToken, 'hostile-http');
    closers.push(() => client.close());
    await attackOver(client, /^mcp:hostile-http@/);
  });

  it('through the stdio bridge, with the secrets in the editor environment too', async () => {
    const env = fileStoreEnv(server.service.dataDir, { GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY: AWS_SECRET });
    const stderr: string[] = [];
    const client = await stdioClient(env, stderr);
    closers.push(() => client.close());
    await attackOver(client, /^mcp:stdio-client@/);
    expect(stderr.join('')).toContain('bridging to the running service');
    expect(secretsIn(stderr.join(''))).toEqual([]);
  });

  it('still lets an agent do the Quick Start: add a key from its own variable, as the seed shows', async () => {
    const openaiKey = canaryKey('openai');
    const env = fileStoreEnv(server.service.dataDir, { OPENAI_API_KEY: openaiKey, ANTHROPIC_API_KEY_NEW: canaryKey('anthropic') });
    const client = await stdioClient(env);
    closers.push(() => client.close());
    expect((await call(client, 'add_api_key', { provider: 'openai', env_var: 'OPENAI_API_KEY' })).isError).toBeFalsy();
    expect((await call(client, 'rotate_key', { provider: 'anthropic', env_var: 'ANTHROPIC_API_KEY_NEW' })).isError).toBeFalsy();
    expect((await server.service.keys.getSecret('openai')).current).toBe(openaiKey);
  });

  it('reads a variable the owner allowed by name, and only for a value in the provider key format', async () => {
    await server.service.updateAppSettings({ agent_env_vars: ['WORK_GOOGLE_KEY'] }, OWNER_CLI);
    const env = fileStoreEnv(server.service.dataDir, { WORK_GOOGLE_KEY: canaryKey('google'), GITHUB_TOKEN });
    const client = await stdioClient(env);
    closers.push(() => client.close());
    expect((await call(client, 'add_api_key', { provider: 'google', env_var: 'WORK_GOOGLE_KEY' })).isError).toBeFalsy();
    const refused = await call(client, 'add_api_key', { provider: 'google', env_var: 'GITHUB_TOKEN' });
    expect(textOf(refused)).toContain('keyway settings allow-env GITHUB_TOKEN');
  });

  it('raw JSON-RPC written to the bridge cannot reach the owner socket calls', async () => {
    const backup = join(tempDir(), 'stolen.kwb');
    const child = spawn(process.execPath, [KEYWAY_BIN, 'mcp'], { env: fileStoreEnv(server.service.dataDir), stdio: ['pipe', 'pipe', 'pipe'] });
    closers.push(() => void child.kill());
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const lines = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'keyway/call', params: { channel: 'keys.export', input: { path: backup, passphrase: 'attacker-passphrase' } } },
      { jsonrpc: '2.0', id: 3, method: 'keyway/call', params: { name: 'exportKeys', args: [backup, 'attacker-passphrase'], actor: 'cli' } },
      { jsonrpc: '2.0', id: 4, method: 'keyway/call', params: { channel: 'settings.update', input: { allow_mcp_key_changes: true } } },
      { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'add_api_key', arguments: { provider: 'google', env_var: 'X_STOLEN' }, _meta: { 'keyway/caller_env': { X_STOLEN: GITHUB_TOKEN } } } },
    ];
    child.stdin.write(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    await new Promise<void>((resolve) => {
      const check = (): void => void ([1, 2, 3, 4, 5].every((id) => new RegExp(`"id":${id}[,}]`).test(stdout)) ? resolve() : setTimeout(check, 20));
      check();
    });
    child.stdin.end();
    const answers = new Map(stdout.trim().split('\n').map((line) => JSON.parse(line) as { id?: number; error?: { code: number }; result?: { isError?: boolean } }).map((m) => [m.id, m]));
    for (const id of [2, 3, 4]) expect(answers.get(id)?.error?.code, `request ${id}`).toBe(-32601);
    expect(answers.get(5)?.result?.isError).toBe(true);
    expect(existsSync(backup)).toBe(false);
    expect(server.service.listKeys().keys.map((k) => k.id)).toEqual(['anthropic:default']);
    expect(secretsIn(stdout)).toEqual([]);
  });

  it('/api refuses an editor token: no provider or settings change', async () => {
    await server.service.updateAppSettings({ allow_mcp_key_changes: false }, OWNER_CLI);
    const configBefore = readFileSync(server.service.config.path, 'utf8');
    for (const [channel, body] of [
      ['providers.update', { provider: 'anthropic', base_url: sink.url }],
      ['settings.update', { allow_mcp_key_changes: true }],
      ['keys.list', {}],
    ] as const) {
      const res = await fetch(`${server.running.info.http_origin}/api/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.editorToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, channel).toBe(403);
      expect(await res.text()).toContain('Editor tokens open only /mcp');
    }
    expect(server.service.appSettings().allow_mcp_key_changes).toBe(false);
    expect(readFileSync(server.service.config.path, 'utf8')).toBe(configBefore);
  });

  it('a revoked editor token opens nothing any more', async () => {
    const { record, token } = await server.service.tokens.create({ kind: 'editor', name: 'soon-revoked' });
    const client = await httpClient(server.running.info.mcp_url, token, 'revoked');
    closers.push(() => client.close());
    await server.service.tokens.revoke(record.id);
    await expect(client.listTools()).rejects.toThrow();
  });
});
