import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { CALLER_ENV_META } from '../../src-main/mcp/call-context.js';
import type { AddKeyResult, ListKeysResult } from '../../src-main/shared/keys.js';
import { canaryCore, canaryKey } from '../support/canary.js';
import { call, ok, textOf, useSocketServer } from '../support/mcp.js';

const mcp = useSocketServer();

describe('key tools over the socket', () => {
  it('lists the tools with the seed names, output schemas and annotations', async () => {
    const { tools } = await mcp.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of ['add_api_key', 'remove_api_key', 'rotate_key', 'list_api_keys']) {
      expect(byName.get(name)?.outputSchema, name).toBeDefined();
      expect(byName.get(name)?.description?.length, name).toBeGreaterThan(40);
    }
    expect(byName.get('list_api_keys')?.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('remove_api_key')?.annotations?.destructiveHint).toBe(true);
    expect(byName.get('rotate_key')?.annotations?.destructiveHint).toBe(true);
    expect(Object.keys(byName.get('add_api_key')?.inputSchema.properties ?? {}).sort()).toEqual(['api_key', 'env_var', 'label', 'provider']);
    expect(byName.get('add_api_key')?.inputSchema.properties?.api_key).toMatchObject({ description: expect.stringContaining('env_var') });
  });

  it('adds, lists, rotates and removes keys; answers carry masked forms only and the same JSON as text', async () => {
    const first = canaryKey('openai');
    const second = canaryKey('openai');
    const added = await call(mcp.client, 'add_api_key', { provider: 'openai', api_key: first });
    expect(added.isError).toBeFalsy();
    expect(JSON.parse(textOf(added))).toEqual(added.structuredContent);
    expect((added.structuredContent as unknown as AddKeyResult).key).toMatchObject({ provider: 'openai', label: 'default', created_at: expect.any(String) });

    const listed = await ok<ListKeysResult>(mcp.client, 'list_api_keys', {});
    expect(listed.keys.map((k) => k.id)).toEqual(['openai:default']);
    await ok(mcp.client, 'rotate_key', { provider: 'openai', new_api_key: second });
    expect((await mcp.server.service.keys.getSecret('openai', 'default')).current).toBe(second);
    const removed = await ok<{ removed: { id: string } }>(mcp.client, 'remove_api_key', { provider: 'openai' });
    expect(removed.removed.id).toBe('openai:default');
    expect(mcp.server.service.listKeys().keys).toEqual([]);
  });

  it('reads env_var from the caller environment forwarded in _meta, never from elsewhere of that environment', async () => {
    const secret = canaryKey('anthropic');
    const result = await mcp.client.callTool({
      name: 'add_api_key',
      arguments: { provider: 'anthropic', env_var: 'ANTHROPIC_API_KEY' },
      _meta: { [CALLER_ENV_META]: { ANTHROPIC_API_KEY: secret } },
    });
    expect(result.isError).toBeFalsy();
    expect((await mcp.server.service.keys.getSecret('anthropic', 'default')).current).toBe(secret);
    expect(JSON.stringify(result)).not.toContain(canaryCore(secret));
  });

  it('audits every key change with the MCP client name and version from the handshake', async () => {
    await ok(mcp.client, 'add_api_key', { provider: 'google', api_key: canaryKey('google'), label: 'work' });
    await call(mcp.client, 'remove_api_key', { provider: 'google', label: 'nope' });
    const entries = mcp.server.service.auditEntries(10);
    expect(entries.map((e) => [e.actor, e.action, e.outcome])).toEqual([
      ['mcp:test-client@1.2.3', 'key.add', 'ok'],
      ['mcp:test-client@1.2.3', 'key.remove', 'error'],
    ]);
  });
});

describe('key tool error paths', () => {
  it.each([
    ['remove_api_key', { provider: 'anthropic' }, 'No anthropic key with label "default". Add one with add_api_key(provider="anthropic", env_var="ANTHROPIC_API_KEY").'],
    ['rotate_key', { provider: 'openai', label: 'work', new_api_key: 'sk-test-CANARY0000000000000000' }, 'No openai key with label "work". Add one with add_api_key(provider="openai", env_var="OPENAI_API_KEY", label="work").'],
  ])('%s on a missing key says how to add one', async (tool, args, message) => {
    const result = await call(mcp.client, tool, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(message);
  });

  it.each([
    ['add_api_key', { provider: 'anthropic', env_var: 'ANTHROPIC_API_KEY_UNSET_FOR_KEYWAY_TEST' }, /ANTHROPIC_API_KEY_UNSET_FOR_KEYWAY_TEST is not set/],
    ['add_api_key', { provider: 'anthropic' }, /exactly one of api_key or env_var/],
    ['add_api_key', { provider: 'anthropic', api_key: 'sk-ant-test-CANARYaaaaaaaaaaaaaaaa', env_var: 'X' }, /exactly one of api_key or env_var/],
    ['add_api_key', { provider: 'mistral', api_key: 'x' }, /provider/],
    ['add_api_key', { provider: 'openai', api_key: 'x'.repeat(5000) }, /4096/],
    ['rotate_key', { provider: 'openai' }, /exactly one of new_api_key or env_var|No openai key/],
    ['list_api_keys', { provider: 42 }, /provider/],
    ['remove_api_key', { provider: 'openai', label: '../../etc' }, /label/],
  ])('%s %j is refused with a message naming the problem', async (tool, args, pattern) => {
    const result = await call(mcp.client, tool, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(pattern);
    expect(textOf(result)).not.toMatch(/\n\s+at /);
  });

  it('refuses key changes over MCP when the user turned them off, and still lists keys', async () => {
    await mcp.server.service.settings.update((data) => {
      data.app.allow_mcp_key_changes = false;
    });
    for (const [tool, args] of [
      ['add_api_key', { provider: 'openai', api_key: canaryKey('openai') }],
      ['rotate_key', { provider: 'openai', new_api_key: canaryKey('openai') }],
      ['remove_api_key', { provider: 'openai' }],
    ] as const) {
      const result = await call(mcp.client, tool, args);
      expect(result.isError, tool).toBe(true);
      expect(textOf(result)).toContain('turned off for agents');
    }
    expect(mcp.server.service.listKeys().keys).toEqual([]);
    expect((await call(mcp.client, 'list_api_keys')).isError).toBeFalsy();
  });
});

describe('logging capability', () => {
  it('sends secret-free log lines at or above the level the client set', async () => {
    const received: Array<{ level: string; data: unknown }> = [];
    mcp.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void received.push(n.params));
    await mcp.client.setLoggingLevel('warning');
    const secret = canaryKey('openai');
    await ok(mcp.client, 'add_api_key', { provider: 'openai', api_key: secret });
    await call(mcp.client, 'remove_api_key', { provider: 'anthropic' });
    await mcp.client.ping();
    expect(received).toEqual([{ level: 'warning', logger: 'keyway', data: 'remove_api_key failed: key_not_found' }]);
    await mcp.client.setLoggingLevel('debug');
    await ok(mcp.client, 'list_api_keys');
    await mcp.client.ping();
    expect(received.at(-1)).toMatchObject({ level: 'debug', data: 'list_api_keys ok' });
    expect(JSON.stringify([received, mcp.server.logs])).not.toContain(canaryCore(secret));
  });
});
