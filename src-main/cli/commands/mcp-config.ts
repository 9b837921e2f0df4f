import { Argument, type Command } from 'commander';
import { KeywayError } from '../../core/errors.js';
import { resolvePort } from '../../server/port.js';
import type { CliIo } from '../io.js';
import { KEYWAY_MAIN_JS as MAIN_JS } from '../bin-path.js';
import { parsePort } from './serve.js';

export const MCP_CLIENTS = ['claude-desktop', 'cursor', 'vscode', 'claude-code', 'json'] as const;
type McpClient = (typeof MCP_CLIENTS)[number];

const WHERE: Record<McpClient, string> = {
  'claude-desktop': 'Add to claude_desktop_config.json (Settings > Developer > Edit Config), then restart Claude Desktop.',
  cursor: 'Add to ~/.cursor/mcp.json (or .cursor/mcp.json in a project).',
  vscode: 'Add to .vscode/mcp.json in your workspace (or the user mcp.json via "MCP: Open User Configuration").',
  'claude-code': 'Run this command in a terminal.',
  json: 'Generic MCP server entry.',
};

export function registerMcpConfigCommand(program: Command, io: CliIo): void {
  program
    .command('mcp-config')
    .description('print the exact MCP configuration for an editor (stdio by default)')
    .addArgument(new Argument('<client>', MCP_CLIENTS.join(' | ')).choices(MCP_CLIENTS))
    .option('--http', 'the Streamable HTTP form (needs `keyway serve` running), with a new editor token (agent powers, /mcp only)')
    .option('--port <port>', 'HTTP port to name when no service runs (default: KEYWAY_PORT or 7391)', parsePort)
    .option('--gateway', 'instead of MCP: the environment that points the client\'s provider SDKs at the Keyway gateway')
    .action(async (client: McpClient, options: { http?: boolean; port?: number; gateway?: boolean }, command: Command) => {
      const [{ resolveDataDir }, { findRunningServer }] = await Promise.all([import('../../core/data-dir.js'), import('../../server/server-info.js')]);
      const globals = command.optsWithGlobals<{ dataDir?: string }>();
      if (options.gateway) {
        const running = await findRunningServer(resolveDataDir(globals.dataDir, io.env));
        const origin = running?.http_origin ?? noServiceUrl(options.port, io.env).replace(/\/mcp$/, '');
        io.out(await gatewayEnvironment(origin));
        if (!io.json) io.err(GATEWAY_HINT[client]);
        return;
      }
      const explicitDir = globals.dataDir ?? io.env.KEYWAY_DATA_DIR;
      const dataDir = resolveDataDir(globals.dataDir, io.env);
      const env = explicitDir ? { KEYWAY_DATA_DIR: dataDir } : undefined;
      if (!options.http) {
        io.out(await stdioConfig(client, env));
        if (!io.json) io.err(WHERE[client]);
        return;
      }
      if (client === 'claude-desktop') {
        throw new KeywayError(
          'invalid_input',
          'Claude Desktop launches local MCP servers over stdio. Use `keyway mcp-config claude-desktop` (without --http); it shares the running service too.',
        );
      }
      const running = await findRunningServer(dataDir);
      const url = running?.mcp_url ?? noServiceUrl(options.port, io.env);
      const { record, token } = await (await io.api()).call('tokens.create', { kind: 'editor', name: client });
      io.out(await httpConfig(client, url, token));
      if (!io.json) {
        io.err(`Created editor token ${record.id} ("${record.name}"): it opens only /mcp, with agent powers. Revoke it with \`keyway tokens revoke ${record.id}\`.`);
        if (!running) io.err(`No Keyway service runs on ${dataDir} now: start \`keyway serve\` before the editor connects.`);
        io.err(WHERE[client]);
      }
    });
}

const GATEWAY_HINT: Record<McpClient, string> = {
  'claude-code': 'Simplest: `keyway exec -- claude` sets these for one session (with a token revoked when it exits). Claude Code reads ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY.',
  'claude-desktop': 'Claude Desktop calls Anthropic from its own servers and cannot use a local gateway; use MCP (keyway mcp-config claude-desktop) for routing advice and tracking.',
  cursor: 'Cursor sends model requests through its own servers, so a 127.0.0.1 base URL is not reachable from there; use keyway exec for CLIs, and MCP for Cursor.',
  vscode: 'Extensions that call providers from your machine (Continue, Cline, Roo) take the base URLs above (apiBase / baseUrl) and the token as their API key.',
  json: 'Any OpenAI-compatible client: base URL <gateway>/v1, model "provider/model" or "auto", API key = the gateway token.',
};

/**
 * Shell lines that point every provider SDK at the gateway. The token is a placeholder: create one
 * with `keyway tokens create` (or let `keyway exec` create and revoke one per run).
 */
async function gatewayEnvironment(origin: string): Promise<string> {
  const [{ gatewayVariables }, { shellQuote }] = await Promise.all([import('../../gateway/exec-env.js'), import('../../core/mcp-client-config.js')]);
  const vars = gatewayVariables(origin, '<gateway token: keyway tokens create --kind gateway --name NAME>');
  return Object.entries(vars)
    .filter(([name]) => !name.startsWith('KEYWAY_'))
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join('\n');
}

/** The editors' stdio entries are the tray app's (core/mcp-client-config.ts); `json` is the bare entry. */
async function stdioConfig(client: McpClient, env: Record<string, string> | undefined): Promise<string> {
  const launch = { command: process.execPath, args: [MAIN_JS, 'mcp'], ...(env ? { env } : {}) };
  if (client === 'json') return json(launch);
  const { mcpClientConfig } = await import('../../core/mcp-client-config.js');
  return mcpClientConfig(client, launch);
}

/** The URL `keyway serve` will have on this port; a port of 0 (any free port) cannot be named in advance. */
function noServiceUrl(port: number | undefined, env: NodeJS.ProcessEnv): string {
  const resolved = resolvePort(port, env);
  if (resolved === 0) {
    throw new KeywayError('invalid_input', 'Port 0 means any free port, so the URL is known only once `keyway serve` runs. Start it, then run this again, or give --port N.');
  }
  return `http://127.0.0.1:${resolved}/mcp`;
}

async function httpConfig(client: Exclude<McpClient, 'claude-desktop'>, url: string, token: string): Promise<string> {
  const { shellQuote } = await import('../../core/mcp-client-config.js');
  const authorization = `Bearer ${token}`;
  switch (client) {
    case 'cursor':
      return json({ mcpServers: { keyway: { url, headers: { Authorization: authorization } } } });
    case 'vscode':
      return json({ servers: { keyway: { type: 'http', url, headers: { Authorization: authorization } } } });
    case 'claude-code':
      return `claude mcp add --transport http keyway ${url} --header ${shellQuote(`Authorization: ${authorization}`)}`;
    case 'json':
      return json({ type: 'http', url, headers: { Authorization: authorization } });
  }
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
