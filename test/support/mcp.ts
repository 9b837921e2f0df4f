import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { KeywayService } from '../../src-main/core/service.js';
import { SocketClientTransport } from '../../src-main/mcp/socket-client-transport.js';
import { startKeywayServer, type RunningKeywayServer } from '../../src-main/server/keyway-server.js';
import { afterEach, beforeEach } from 'vitest';
import { isolatedEnv, KEYWAY_BIN } from './cli.js';
import { openTestService, TEST_SECRET_KEY } from './service.js';
import { tempDir } from './temp-dir.js';

export { TEST_SECRET_KEY };

/** Environment for a file-store service in a temp data dir (never the real keychain). */
export function fileStoreEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): Record<string, string> {
  return { ...isolatedEnv(), KEYWAY_DATA_DIR: dataDir, KEYWAY_SECRET_STORE: 'file', SECRET_KEY: TEST_SECRET_KEY, ...(extra as Record<string, string>) };
}

/** The test service (support/service.ts) over a given `dataDir`, run in it (the MCP tests share the dir with child processes). */
export function openServiceIn(dataDir = tempDir(), env: NodeJS.ProcessEnv = {}): KeywayService {
  return openTestService({ dataDir, cwd: dataDir, env });
}

export interface TestServer {
  service: KeywayService;
  running: RunningKeywayServer;
  /** An editor token: opens /mcp with agent powers (the dashboard token is running.token). */
  editorToken: string;
  logs: string[];
  close(): Promise<void>;
}

/** A real Keyway server (socket + HTTP on 127.0.0.1:any) in this process over a temp data dir. */
export async function startTestServer(service = openServiceIn()): Promise<TestServer> {
  const logs: string[] = [];
  const running = await startKeywayServer({ service, port: 0, log: (line) => logs.push(line) });
  const { token: editorToken } = await service.tokens.create({ kind: 'editor', name: 'test-editor' });
  return {
    service,
    running,
    editorToken,
    logs,
    close: async () => {
      await running.close();
      service.close();
    },
  };
}

export interface SocketFixture {
  readonly server: TestServer;
  readonly client: Client;
}

/**
 * For a test file: a fresh test server and one socket client (named test-client@1.2.3) before each
 * test, both closed after it. Read `server` and `client` inside the tests.
 */
export function useSocketServer(): SocketFixture {
  const fixture = {} as { server: TestServer; client: Client };
  beforeEach(async () => {
    fixture.server = await startTestServer();
    fixture.client = await socketClient(fixture.server.running.info.socket);
  });
  afterEach(async () => {
    await fixture.client.close();
    await fixture.server.close();
  });
  return fixture;
}

export async function socketClient(path: string, name = 'test-client', version = '1.2.3'): Promise<Client> {
  const client = new Client({ name, version });
  await client.connect(new SocketClientTransport(path));
  return client;
}

export async function httpClient(url: string, token: string, name = 'http-client'): Promise<Client> {
  const client = new Client({ name, version: '0.0.1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

/** Spawns the real built `keyway mcp` (stdio) and connects to it. */
export async function stdioClient(env: Record<string, string>, stderrLines?: string[]): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [KEYWAY_BIN, 'mcp'], env, stderr: 'pipe' });
  transport.stderr?.on('data', (d: Buffer) => stderrLines?.push(d.toString()));
  const client = new Client({ name: 'stdio-client', version: '9.9' });
  await client.connect(transport);
  return client;
}

/** Calls a tool and returns the whole result (isError included). */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** Calls a tool that must succeed and returns its structuredContent. */
export async function ok<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = await call(client, name, args);
  if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`);
  return result.structuredContent as T;
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}
