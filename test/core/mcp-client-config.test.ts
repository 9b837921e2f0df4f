import { describe, expect, it } from 'vitest';
import { mcpClientConfig } from '../../src-main/core/mcp-client-config.js';

const launch = { command: '/Applications/Keyway.app/Contents/MacOS/Keyway', args: ['/app/dist/cli/main.cjs', 'mcp'], env: { ELECTRON_RUN_AS_NODE: '1' } };

describe('mcpClientConfig', () => {
  it.each(['claude-desktop', 'cursor'] as const)('gives %s an mcpServers entry that starts the stdio bridge', (client) => {
    expect(JSON.parse(mcpClientConfig(client, launch))).toEqual({ mcpServers: { keyway: launch } });
  });

  it('gives VS Code a typed stdio server entry', () => {
    expect(JSON.parse(mcpClientConfig('vscode', launch))).toEqual({ servers: { keyway: { type: 'stdio', ...launch } } });
  });

  it('gives Claude Code a shell command with the environment and quoted paths', () => {
    const text = mcpClientConfig('claude-code', { command: '/My Apps/Keyway', args: ['main.cjs', 'mcp'], env: { KEYWAY_DATA_DIR: "/tmp/it's here" } });
    expect(text).toBe(`claude mcp add keyway -e 'KEYWAY_DATA_DIR=/tmp/it'\\''s here' -- '/My Apps/Keyway' main.cjs mcp`);
  });

  it('never puts a bearer token or URL in any config', () => {
    for (const client of ['claude-desktop', 'cursor', 'vscode', 'claude-code'] as const) {
      expect(mcpClientConfig(client, launch)).not.toMatch(/Bearer|http:/);
    }
  });
});
