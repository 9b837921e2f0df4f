import type { McpClient } from './tray-state.js';

/** How an editor starts Keyway's stdio bridge to the running service. */
export interface McpLaunch {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * The text to paste into each editor's MCP configuration (the same shapes `keyway mcp-config` prints). All of them start the stdio bridge
 * (`keyway mcp`), so no token or secret ever appears in an editor's config file.
 */
export function mcpClientConfig(client: McpClient, launch: McpLaunch): string {
  const server = { command: launch.command, args: launch.args, ...(launch.env ? { env: launch.env } : {}) };
  switch (client) {
    case 'claude-desktop':
    case 'cursor':
      return JSON.stringify({ mcpServers: { keyway: server } }, null, 2);
    case 'vscode':
      return JSON.stringify({ servers: { keyway: { type: 'stdio', ...server } } }, null, 2);
    case 'claude-code': {
      const env = Object.entries(launch.env ?? {}).map(([name, value]) => `-e ${shellQuote(`${name}=${value}`)} `).join('');
      return `claude mcp add keyway ${env}-- ${[launch.command, ...launch.args].map(shellQuote).join(' ')}`;
    }
  }
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
