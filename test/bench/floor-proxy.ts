import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/**
 * The floor the gateway's latency is compared with: the simplest proxy doing the same job on the
 * same bytes (node:http in, an undici keep-alive pool out, the body read whole and forwarded with the
 * real key, the answer streamed back chunk by chunk) and nothing else: no tokens, budgets, usage or
 * records. Run as its own process, like `keyway serve`: `node floor-proxy.js <upstream origin> <key>`;
 * prints its port.
 */
async function main(): Promise<void> {
  const [upstreamOrigin, key] = process.argv.slice(2);
  if (!upstreamOrigin || !key) throw new Error('usage: floor-proxy <upstream origin> <key>');
  const upstream = new Pool(upstreamOrigin, { connections: 512 });
  const server = createServer((req, res) => void forward(upstream, key, req, res).catch(() => res.destroy()));
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
  });
  process.on('SIGTERM', () => server.close(() => void upstream.close().then(() => process.exit(0))));
}

async function forward(upstream: Pool, key: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const answer = await upstream.request({
    path: (req.url ?? '/').replace(/^\/openai/, ''),
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'content-length': String(body.length) },
    body,
  });
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  res.writeHead(answer.statusCode, headers);
  for await (const chunk of answer.body) res.write(chunk);
  res.end();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
