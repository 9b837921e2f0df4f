import { afterEach, describe, expect, it } from 'vitest';
import { localCalls } from '../../src-main/cli/service-calls.js';
import { connectService, type RemoteService } from '../../src-main/cli/service-client.js';
import { STREAM_PAGE_BYTES } from '../../src-main/server/owner-rpc.js';
import { startTestServer, type TestServer } from '../support/mcp.js';

let server: TestServer | undefined;
let remote: RemoteService | undefined;
const warnings: string[] = [];
const connect = (s: TestServer) => connectService(s.running.info, { env: {}, cwd: process.cwd(), warn: (line) => warnings.push(line) });
afterEach(async () => {
  await remote?.close();
  await server?.close();
  remote = server = undefined;
});

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

describe("the owner CLI's channel calls over the socket", () => {
  it('streams a usage export larger than one page, identical to the in-process export', async () => {
    server = await startTestServer();
    const records = 16_000;
    await Promise.all(
      Array.from({ length: records }, (_, i) => server!.service.trackRequest({ provider: 'openai', input_tokens: i + 1, output_tokens: 7, model: 'gpt-4o' }, { principal: 'owner', actor: 'test' })),
    );
    remote = await connect(server);
    const overSocket = await collect(await remote.calls.call('usage.export', { format: 'csv' }));
    const inProcess = await collect(await localCalls(server.service).call('usage.export', { format: 'csv' }));
    expect(overSocket.length).toBeGreaterThan(STREAM_PAGE_BYTES);
    expect(overSocket).toBe(inProcess);
    expect(overSocket.trim().split('\n')).toHaveLength(records + 1);
    const json = JSON.parse(await collect(await remote.calls.call('usage.export', { format: 'json', provider: 'anthropic' })));
    expect(json).toEqual([]);
  });

  it('counts tokens in the service, and reports a bad export input as the service would', async () => {
    server = await startTestServer();
    remote = await connect(server);
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(50);
    expect(await remote.calls.call('usage.count_tokens', { provider: 'openai', model: 'gpt-4o', text })).toEqual(await server.service.countTokens('openai', 'gpt-4o', text));
    await expect(remote.calls.call('usage.export', { format: 'xml' as never })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('says the service stopped when it dies in the middle of a call, not an internal error', async () => {
    server = await startTestServer();
    remote = await connect(server);
    const pending = remote.calls.call('usage.export', { format: 'csv' });
    await server.running.close();
    const failure = await pending.then(() => remote!.calls.call('keys.list', {})).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'service_unreachable', message: expect.stringContaining(`The Keyway service (pid ${process.pid}) stopped during this command`) });
  });

  it('warns the owner, once per notice, when routing_config.json was deleted or broken under the running service', async () => {
    server = await startTestServer();
    server.service.config.current();
    remote = await connect(server);
    warnings.length = 0;
    await remote.calls.call('keys.list', {});
    expect(warnings).toEqual([]);
    const { unlinkSync, writeFileSync } = await import('node:fs');
    unlinkSync(server.service.config.path);
    await remote.calls.call('keys.list', {});
    await remote.calls.call('keys.list', {});
    expect(warnings).toEqual([expect.stringContaining('routing_config.json was deleted; the running service keeps its last good configuration')]);
    writeFileSync(server.service.config.path, '{"providers": ');
    await remote.calls.call('budget.check', {});
    expect(warnings[1]).toMatch(/is not valid JSON.*keeps its last good configuration/);
  });
});

describe('server.json trust', () => {
  it('ignores a server.json whose socket is not the data dir own socket: the forged one receives nothing', async () => {
    const { createServer } = await import('node:net');
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tempDir } = await import('../support/temp-dir.js');
    const { runKeyway } = await import('../support/cli.js');
    const { canaryCore, canaryKey } = await import('../support/canary.js');
    const { TEST_SECRET_KEY } = await import('../support/service.js');
    const dataDir = tempDir();
    const forged = join(tempDir(), 'evil.sock');
    const received: string[] = [];
    const evil = createServer((socket) => socket.on('data', (d: Buffer) => received.push(d.toString())));
    await new Promise<void>((resolve) => evil.listen(forged, resolve));
    try {
      writeFileSync(join(dataDir, 'server.json'), JSON.stringify({ pid: process.pid, socket: forged, mcp_url: 'http://127.0.0.1:1/mcp', http_origin: 'http://127.0.0.1:1', started_at: new Date().toISOString(), version: '0.1.0' }));
      const secret = canaryKey('google');
      const result = await runKeyway(['keys', 'add', 'google', '--from-env', 'MY_GOOGLE_KEY'], {
        env: { KEYWAY_DATA_DIR: dataDir, KEYWAY_SECRET_STORE: 'file', SECRET_KEY: TEST_SECRET_KEY, MY_GOOGLE_KEY: secret },
      });
      expect(result.code, result.stderr).toBe(0);
      expect(received.join('')).not.toContain(canaryCore(secret));
      expect(received).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
  });
});
