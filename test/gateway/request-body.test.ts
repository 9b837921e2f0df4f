import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readBody } from '../../src-main/gateway/request-body.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A 127.0.0.1 server that reads each body with `limit` and reports what readBody gave. */
async function serve(limit: number): Promise<{ port: number; results: Array<Promise<Buffer | null>> }> {
  const results: Array<Promise<Buffer | null>> = [];
  const server = createServer((req: IncomingMessage, res) => {
    const read = readBody(req, limit);
    results.push(read);
    read.then(
      (body) => res.end(body === null ? 'too large' : `got ${body.length}`),
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return { port: (server.address() as AddressInfo).port, results };
}

describe('readBody', () => {
  it('reads a body in several chunks whole', async () => {
    const { port, results } = await serve(1024);
    const req = request({ port, host: '127.0.0.1', method: 'POST' });
    req.write('a'.repeat(300));
    await new Promise((resolve) => setTimeout(resolve, 20));
    req.end('b'.repeat(300));
    await new Promise((resolve) => req.on('response', (res) => res.resume().on('end', resolve)));
    expect((await results[0])?.toString()).toBe('a'.repeat(300) + 'b'.repeat(300));
  });

  it('answers null as soon as a body passes the limit, while the client is still sending', async () => {
    const { port, results } = await serve(1000);
    const req = request({ port, host: '127.0.0.1', method: 'POST' });
    req.on('error', () => undefined);
    req.write('x'.repeat(2000));
    while (results.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // The client never ends its body: only an early answer can settle this.
    expect(await results[0]).toBeNull();
    req.destroy();
  });

  it('rejects when the client goes away before the body ends', async () => {
    const { port, results } = await serve(1 << 20);
    const req = request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-length': '5000' } });
    req.on('error', () => undefined);
    req.write('y'.repeat(100));
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await expect(results[0]).rejects.toThrow();
  });
});
