import { afterEach, describe, expect, it } from 'vitest';
import { ok, socketClient, startTestServer, type TestServer } from '../support/mcp.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
});

describe('50 clients at once over the socket', () => {
  it('track requests concurrently and the totals are exact afterwards', async () => {
    server = await startTestServer();
    const clients = await Promise.all(Array.from({ length: 50 }, (_, i) => socketClient(server!.running.info.socket, `client-${i}`)));
    const PER_CLIENT = 20;
    await Promise.all(
      clients.map((client, i) =>
        Promise.all(
          Array.from({ length: PER_CLIENT }, (_, j) =>
            ok(client, 'track_request', {
              provider: 'anthropic',
              model: 'claude-3-5-sonnet-20241022',
              input_tokens: 1000 + i,
              output_tokens: 100 + j,
              success: j % 10 !== 0,
            }),
          ),
        ),
      ),
    );
    const usage = server.service.getUsage({ provider: 'anthropic', days: 1 });
    const n = 50 * PER_CLIENT;
    const input = PER_CLIENT * (50 * 1000 + (49 * 50) / 2);
    const output = 50 * (PER_CLIENT * 100 + (19 * 20) / 2);
    expect(usage.totals).toMatchObject({ requests: n, successes: n - 50 * 2, failures: 50 * 2, input_tokens: input, output_tokens: output });
    // $3 / M input and $15 / M output, summed in micro-dollars: exact.
    expect(usage.totals.cost_usd).toBe((input * 3 + output * 15) / 1_000_000);
    await Promise.all(clients.map((c) => c.close()));
  });
});
