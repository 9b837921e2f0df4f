import { existsSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { KEYWAY_BIN, runKeyway } from '../support/cli.js';
import { fileStoreEnv, startTestServer, type TestServer } from '../support/mcp.js';
import { tempDir } from '../support/temp-dir.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('keyway mcp-config', () => {
  it.each(['claude-desktop', 'cursor'])('%s: an mcpServers entry with absolute node and main.cjs paths that starts a working server', async (client) => {
    const dataDir = tempDir();
    const result = await runKeyway(['mcp-config', client], { env: { KEYWAY_DATA_DIR: dataDir } });
    expect(result.code).toBe(0);
    const entry = JSON.parse(result.stdout).mcpServers.keyway;
    expect(entry).toEqual({ command: process.execPath, args: [KEYWAY_BIN, 'mcp'], env: { KEYWAY_DATA_DIR: dataDir } });
    expect(existsSync(entry.args[0])).toBe(true);
    expect(result.stderr).toContain(client === 'cursor' ? 'mcp.json' : 'claude_desktop_config.json');

    // Launch exactly what the editor would launch.
    const mcp = new Client({ name: 'editor', version: '1' });
    await mcp.connect(new StdioClientTransport({ command: entry.command, args: entry.args, env: { ...fileStoreEnv(dataDir), ...entry.env } }));
    expect((await mcp.listTools()).tools.length).toBe(15);
    await mcp.close();
  });

  it('vscode: a servers entry with type stdio; json: the bare entry; no env when the default data dir is used', async () => {
    const vscode = JSON.parse((await runKeyway(['mcp-config', 'vscode'])).stdout);
    expect(vscode).toEqual({ servers: { keyway: { type: 'stdio', command: process.execPath, args: [KEYWAY_BIN, 'mcp'] } } });
    const json = JSON.parse((await runKeyway(['mcp-config', 'json'])).stdout);
    expect(json).toEqual({ command: process.execPath, args: [KEYWAY_BIN, 'mcp'] });
  });

  it('claude-code: the claude mcp add command line', async () => {
    const result = await runKeyway(['mcp-config', 'claude-code']);
    expect(result.stdout.trim()).toBe(`claude mcp add keyway -- ${process.execPath} ${KEYWAY_BIN} mcp`);
  });

  it('--http names the running service URL and a new editor token that opens /mcp only', async () => {
    server = await startTestServer();
    const env = { KEYWAY_DATA_DIR: server.service.dataDir };
    const cursor = JSON.parse((await runKeyway(['mcp-config', 'cursor', '--http'], { env })).stdout).mcpServers.keyway;
    expect(cursor.url).toBe(server.running.info.mcp_url);
    const token = String(cursor.headers.Authorization).replace(/^Bearer /, '');
    expect(token).not.toBe(server.running.token);
    expect(server.service.tokens.verify(token)).toMatchObject({ kind: 'editor', name: 'cursor' });
    const client = new Client({ name: 'cursor', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(cursor.url), { requestInit: { headers: cursor.headers } }));
    expect((await client.listTools()).tools.length).toBe(15);
    await client.close();
    const api = await fetch(`${server.running.info.http_origin}/api/settings.update`, { method: 'POST', headers: cursor.headers, body: '{"allow_mcp_key_changes":true}' });
    expect(api.status).toBe(403);

    const vscode = JSON.parse((await runKeyway(['mcp-config', 'vscode', '--http'], { env })).stdout).servers.keyway;
    expect(vscode).toMatchObject({ type: 'http', url: server.running.info.mcp_url });
    const code = await runKeyway(['mcp-config', 'claude-code', '--http'], { env });
    expect(code.stdout.trim()).toMatch(new RegExp(`^claude mcp add --transport http keyway ${server.running.info.mcp_url} --header 'Authorization: Bearer kw_editor_[\\w-]{43}'$`));
    const listed = JSON.parse((await runKeyway(['tokens', '--kind', 'editor', '--json'], { env })).stdout);
    expect(listed.tokens.map((t: { name: string }) => t.name).sort()).toEqual(['claude-code', 'cursor', 'test-editor', 'vscode']);
  });

  it.each([
    [['--port', 'abc'], {}, 2, 'port must be a whole number from 0 to 65535, got "abc"'],
    [['--port', '-5'], {}, 2, 'port must be a whole number'],
    [['--port', '1.5'], {}, 2, 'port must be a whole number'],
    [[], { KEYWAY_PORT: 'abc' }, 1, 'KEYWAY_PORT must be a whole number from 0 to 65535, got "abc"'],
    [['--port', '0'], {}, 1, 'Port 0 means any free port'],
  ])('--http with no service and port %j %j: exit %i naming the problem, no config printed', async (args, extra, code, message) => {
    const result = await runKeyway(['mcp-config', 'cursor', '--http', ...args], { env: { KEYWAY_DATA_DIR: tempDir(), ...extra } });
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('--http with no service names the port it will use and says to start keyway serve', async () => {
    const result = await runKeyway(['mcp-config', 'json', '--http', '--port', '7444'], { env: { KEYWAY_DATA_DIR: tempDir() } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).url).toBe('http://127.0.0.1:7444/mcp');
    expect(result.stderr).toContain('start `keyway serve`');
  });

  it('--http for Claude Desktop explains that it uses stdio; an unknown client is a usage error', async () => {
    const desktop = await runKeyway(['mcp-config', 'claude-desktop', '--http'], { env: { KEYWAY_DATA_DIR: tempDir() } });
    expect(desktop.code).toBe(1);
    expect(desktop.stderr).toContain('Claude Desktop launches local MCP servers over stdio');
    const unknown = await runKeyway(['mcp-config', 'emacs']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('claude-desktop');
  });
});
