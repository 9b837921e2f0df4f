import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { MAX_MESSAGE_BYTES, serializeWithinLimit } from '../../src-main/mcp/message-size.js';
import type { CostEstimate } from '../../src-main/shared/usage.js';
import { KEYWAY_BIN } from '../support/cli.js';
import { fileStoreEnv, httpClient, ok, socketClient, startTestServer, stdioClient } from '../support/mcp.js';
import { tempDir } from '../support/temp-dir.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

function track<T extends { close(): Promise<void> }>(value: T): T {
  open.push(value);
  return value;
}

/** estimate_cost arguments padded past the limit by one field. */
const oversized = { provider: 'openai', input_tokens: 1, output_tokens: 0, padding: 'x'.repeat(MAX_MESSAGE_BYTES + 1024) };

async function stillServes(client: Client): Promise<void> {
  const estimate = await ok<CostEstimate>(client, 'estimate_cost', { provider: 'openai', input_tokens: 1000, output_tokens: 0 });
  expect(estimate.input_tokens).toBe(1000);
}

describe('an MCP message over 10 MiB is refused and the session goes on', () => {
  it('keyway mcp in-process answers it with a JSON-RPC error naming the limit, without a stack trace', async () => {
    const stderr: string[] = [];
    const client = track(await stdioClient(fileStoreEnv(tempDir()), stderr));
    await expect(client.callTool({ name: 'estimate_cost', arguments: oversized })).rejects.toThrow(/-32600.*over 10 MiB.*limit for one MCP message/);
    await stillServes(client);
    expect(stderr.join('')).toContain('refused a message over the size limit');
    expect(stderr.join('')).not.toMatch(/ReadBuffer|\n\s+at /);
  });

  it('keyway mcp bridging to a running service answers it, and the bridge stays up', async () => {
    const server = track(await startTestServer());
    const stderr: string[] = [];
    const client = track(await stdioClient(fileStoreEnv(server.service.dataDir), stderr));
    await expect(client.callTool({ name: 'estimate_cost', arguments: oversized })).rejects.toThrow(/-32600.*over 10 MiB/);
    await stillServes(client);
    expect(stderr.join('')).toContain('bridging to the running service');
    expect(stderr.join('')).not.toMatch(/ReadBuffer|\n\s+at /);
  });

  it('the socket answers a raw oversized request at once (id first or last) and keeps the connection', async () => {
    const server = track(await startTestServer());
    const socket = connect(server.running.info.socket);
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    const lines = (): Array<{ id?: number; error?: { code: number; message: string }; result?: unknown }> =>
      received.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const waitFor = async (id: number) => {
      while (!lines().some((m) => m.id === id)) await new Promise((r) => setTimeout(r, 10));
      return lines().find((m) => m.id === id)!;
    };
    const write = (message: object) => socket.write(`${JSON.stringify(message)}\n`);
    write({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    await waitFor(1);
    write({ jsonrpc: '2.0', method: 'notifications/initialized' });
    // The SDK's own clients put the id last; others first.
    write({ method: 'tools/call', params: { name: 'estimate_cost', arguments: oversized }, jsonrpc: '2.0', id: 2 });
    write({ jsonrpc: '2.0', id: 'three', method: 'tools/call', params: { name: 'estimate_cost', arguments: oversized } });
    write({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'estimate_cost', arguments: { provider: 'openai', input_tokens: 5, output_tokens: 0 } } });
    const [two, three, four] = [await waitFor(2), await waitFor('three' as unknown as number), await waitFor(4)];
    expect(two.error).toMatchObject({ code: -32600, message: expect.stringContaining('over 10 MiB') });
    expect(three.error?.code).toBe(-32600);
    expect(four.result).toBeDefined();
    socket.destroy();
  });

  it("the CLI's socket client refuses to send one, with a clear error, and the connection stays usable", async () => {
    const server = track(await startTestServer());
    const client = track(await socketClient(server.running.info.socket));
    const started = Date.now();
    await expect(client.callTool({ name: 'estimate_cost', arguments: oversized })).rejects.toThrow(/over 10 MiB, the limit for one message to the running service/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await stillServes(client);
  });

  it('HTTP /mcp refuses a body over 10 MiB with 413 and the session goes on', async () => {
    const server = track(await startTestServer());
    const client = track(await httpClient(server.running.info.mcp_url, server.editorToken));
    await expect(client.callTool({ name: 'estimate_cost', arguments: oversized })).rejects.toThrow(/Payload Too Large: Request body must not exceed 10485760 bytes/);
    await stillServes(client);
  });

  it('HTTP /mcp takes a body up to the same limit the other transports take (over the SDK default of 4 MiB)', async () => {
    const server = track(await startTestServer());
    const client = track(await httpClient(server.running.info.mcp_url, server.editorToken));
    const result = await client.callTool({ name: 'estimate_cost', arguments: { ...oversized, padding: 'x'.repeat(6 * 1024 * 1024) } });
    // Past the size check, the tool's own schema judges the arguments.
    expect(JSON.stringify(result)).not.toContain('Payload Too Large');
  });
});

describe('keyway mcp with nothing but the raw binary', () => {
  it('keeps stdout pure JSON-RPC when a line passes the limit without any newline for a while', async () => {
    const child = spawn(process.execPath, [KEYWAY_BIN, 'mcp'], { env: fileStoreEnv(tempDir()), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })}\n`);
    // 24 MiB in 1 MiB pieces, no newline until the end: the reader holds only the line's edges.
    for (let i = 0; i < 24; i++) child.stdin.write('y'.repeat(1024 * 1024));
    child.stdin.write(`\n${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' })}\n`);
    while (!stdout.includes('"id":2')) await new Promise((r) => setTimeout(r, 20));
    child.stdin.end();
    await new Promise((resolve) => child.on('close', resolve));
    const messages = stdout.trim().split('\n').map((l) => JSON.parse(l) as { id?: number; result?: unknown });
    expect(messages.map((m) => m.id)).toEqual([1, 2]);
    expect(messages[1]!.result).toEqual({});
  });
});

describe('serializeWithinLimit (what the server transports write)', () => {
  const huge = 'r'.repeat(MAX_MESSAGE_BYTES);

  it('writes a message that fits as one line', () => {
    expect(serializeWithinLimit({ jsonrpc: '2.0', id: 1, result: { ok: true } })).toBe('{"jsonrpc":"2.0","id":1,"result":{"ok":true}}\n');
  });

  it('replaces an answer over the limit with an error answer for the same request', () => {
    const line = serializeWithinLimit({ jsonrpc: '2.0', id: 7, result: { huge } });
    expect(JSON.parse(line!)).toMatchObject({ id: 7, error: { code: -32600, message: expect.stringMatching(/^The answer is \d+ bytes, over 10 MiB/) } });
  });

  it('drops a notification over the limit (it has no one to answer)', () => {
    expect(serializeWithinLimit({ jsonrpc: '2.0', method: 'notifications/message', params: { huge } })).toBeNull();
  });

  it('counts bytes, not characters', () => {
    const multibyte = '\u00e9'.repeat(MAX_MESSAGE_BYTES / 2 + 16);
    expect(serializeWithinLimit({ jsonrpc: '2.0', id: 1, result: { multibyte } })).toContain('"error"');
  });
});
