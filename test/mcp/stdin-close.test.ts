import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { KEYWAY_BIN } from '../support/cli.js';
import { fileStoreEnv, openServiceIn, startTestServer, type TestServer } from '../support/mcp.js';
import { tempDir } from '../support/temp-dir.js';

const TRACKS = 20;

/** Writes initialize and TRACKS track_request calls to the real `keyway mcp`, closes stdin at once, and returns the answered ids. */
async function answeredAfterStdinCloses(dataDir: string): Promise<number[]> {
  const child = spawn(process.execPath, [KEYWAY_BIN, 'mcp'], { env: fileStoreEnv(dataDir), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const lines: object[] = [
    { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'closer', version: '1' } } },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
  ];
  for (let id = 1; id <= TRACKS; id++) {
    lines.push({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'track_request', arguments: { provider: 'openai', input_tokens: 10, output_tokens: 5 } } });
  }
  child.stdin.end(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  const code = await new Promise((resolve) => child.on('close', resolve));
  expect(code).toBe(0);
  return stdout
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { id: number; result?: { isError?: boolean } }))
    .filter((m) => m.result?.isError !== true)
    .map((m) => m.id)
    .sort((a, b) => a - b);
}

const everyId = Array.from({ length: TRACKS + 1 }, (_, i) => i);

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('keyway mcp when the editor closes stdin right after its requests', () => {
  it('in-process: answers every request and records every tracked request before exiting', async () => {
    const dataDir = tempDir();
    expect(await answeredAfterStdinCloses(dataDir)).toEqual(everyId);
    const service = openServiceIn(dataDir);
    expect(service.getUsage({}).totals.requests).toBe(TRACKS);
    service.close();
  });

  it('bridged to a running service: answers every request before closing the socket', async () => {
    server = await startTestServer();
    expect(await answeredAfterStdinCloses(server.service.dataDir)).toEqual(everyId);
    expect(server.service.getUsage({}).totals.requests).toBe(TRACKS);
  });
});
