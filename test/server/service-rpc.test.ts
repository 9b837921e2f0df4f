import { afterEach, describe, expect, it } from 'vitest';
import { connectServiceApi, type RemoteServiceApi } from '../../src-main/cli/service-client.js';
import { localServiceApi, STREAM_PAGE_BYTES } from '../../src-main/server/service-rpc.js';
import { startTestServer, type TestServer } from '../support/mcp.js';

let server: TestServer | undefined;
let remote: RemoteServiceApi | undefined;
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

describe('the CLI service API over the socket', () => {
  it('streams a usage export larger than one page, identical to the in-process export', async () => {
    server = await startTestServer();
    const records = 16_000;
    await Promise.all(
      Array.from({ length: records }, (_, i) => server!.service.trackRequest({ provider: 'openai', input_tokens: i + 1, output_tokens: 7, model: 'gpt-4o' }, { actor: 'test' })),
    );
    remote = await connectServiceApi(server.running.info.socket, { env: {}, cwd: process.cwd() });
    const overSocket = await collect(await remote.api.exportUsage({ format: 'csv' }));
    const inProcess = await collect(await localServiceApi(server.service).exportUsage({ format: 'csv' }));
    expect(overSocket.length).toBeGreaterThan(STREAM_PAGE_BYTES);
    expect(overSocket).toBe(inProcess);
    expect(overSocket.trim().split('\n')).toHaveLength(records + 1);
    const json = JSON.parse(await collect(await remote.api.exportUsage({ format: 'json', provider: 'anthropic' })));
    expect(json).toEqual([]);
  });

  it('counts tokens in the service, and reports a bad export input as the service would', async () => {
    server = await startTestServer();
    remote = await connectServiceApi(server.running.info.socket, { env: {}, cwd: process.cwd() });
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(50);
    expect(await remote.api.countTokens('openai', 'gpt-4o', text)).toEqual(await server.service.countTokens('openai', 'gpt-4o', text));
    await expect(remote.api.exportUsage({ format: 'xml' as never })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
