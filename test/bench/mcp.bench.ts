import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { KeywayService } from '../../src-main/core/service.js';
import { SocketClientTransport } from '../../src-main/mcp/socket-client-transport.js';
import { startKeywayServer } from '../../src-main/server/keyway-server.js';
import { CostEstimateOutput, TrackOutput } from '../../src-main/mcp/output-schemas.js';
import { EstimateCostInputSchema, TrackRequestInputSchema } from '../../src-main/shared/usage.js';
import type { BenchRow } from './bench-row.js';

const WARMUP = 200;
const CALLS = 2000;
const GOAL_RATIO = 1.3;
/** The built CLI, seen from dist-bench/test/bench/. */
const KEYWAY_BIN = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

const ESTIMATE = { name: 'estimate_cost', arguments: { provider: 'anthropic', input_tokens: 5000, output_tokens: 2000 } };
const TRACK = { name: 'track_request', arguments: { provider: 'anthropic', input_tokens: 1000, output_tokens: 500, model: 'claude-3-5-sonnet-20241022' } };
const TRIVIAL = { name: 'add', arguments: { a: 1, b: 2 } };

/** The bare SDK server the figures are compared with: one trivial tool returning structuredContent. */
const BARE_SERVER_SOURCE = `
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
const server = new McpServer({ name: 'bare', version: '1' });
server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } }, ({ a, b }) => ({ content: [{ type: 'text', text: JSON.stringify({ sum: a + b }) }], structuredContent: { sum: a + b } }));
await server.connect(new StdioServerTransport());
`;

function bareServer(): McpServer {
  const server = new McpServer({ name: 'bare', version: '1' });
  server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } }, ({ a, b }) => ({
    content: [{ type: 'text', text: JSON.stringify({ sum: a + b }) }],
    structuredContent: { sum: a + b },
  }));
  return server;
}

/**
 * A bare SDK server doing the same work as Keyway's two tools: same input and output schemas, same
 * service call, same result as structuredContent plus text. Keyway over this isolates the front itself.
 */
function sameWorkServer(service: KeywayService): McpServer {
  const server = new McpServer({ name: 'same-work', version: '1' });
  const answer = (value: object) => ({ content: [{ type: 'text' as const, text: JSON.stringify(value) }], structuredContent: value as Record<string, unknown> });
  const estimate = EstimateCostInputSchema.shape;
  server.registerTool(
    'estimate_cost',
    { inputSchema: { provider: estimate.provider, input_tokens: estimate.input_tokens, output_tokens: estimate.output_tokens, model: estimate.model }, outputSchema: CostEstimateOutput },
    (args) => answer(service.estimateCost(args)),
  );
  server.registerTool('track_request', { inputSchema: TrackRequestInputSchema.shape, outputSchema: TrackOutput }, async (args) => answer(await service.trackRequest(args, { principal: 'owner', actor: 'bench' })));
  return server;
}

interface Percentiles {
  p50: number;
  p99: number;
}

/** Sequential tools/call round trips (each awaited before the next), in milliseconds. */
async function roundTrips(client: Client, request: { name: string; arguments: Record<string, unknown> }): Promise<Percentiles> {
  for (let i = 0; i < WARMUP; i++) await client.callTool(request);
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const start = process.hrtime.bigint();
    const result = await client.callTool(request);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.isError) throw new Error(`${request.name} failed during the benchmark`);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

async function socketFigures(dataDir: string): Promise<Record<string, Percentiles>> {
  const service = KeywayService.open({ dataDir, store: 'file', env: { SECRET_KEY: 'bench-secret-key-not-real' }, timeZone: 'UTC' });
  const running = await startKeywayServer({ service, port: 0 });
  const bareSocket = join(dataDir, 'bare.sock');
  const bare: Server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    void bareServer().connect(new StdioServerTransport(socket, socket));
  });
  await new Promise<void>((resolve) => bare.listen(bareSocket, resolve));
  const sameWorkSocket = join(dataDir, 'same-work.sock');
  const sameWork: Server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    void sameWorkServer(service).connect(new StdioServerTransport(socket, socket));
  });
  await new Promise<void>((resolve) => sameWork.listen(sameWorkSocket, resolve));
  const sameWorkClient = new Client({ name: 'bench', version: '1' });
  await sameWorkClient.connect(new SocketClientTransport(sameWorkSocket));
  const keywayClient = new Client({ name: 'bench', version: '1' });
  await keywayClient.connect(new SocketClientTransport(running.info.socket));
  const bareClient = new Client({ name: 'bench', version: '1' });
  await bareClient.connect(new SocketClientTransport(bareSocket));
  try {
    // Interleave so that machine noise hits both sides alike.
    const bareFirst = await roundTrips(bareClient, TRIVIAL);
    const { keyway: estimate, sameWork: sameWorkEstimate } = await pairedRoundTrips(keywayClient, sameWorkClient, ESTIMATE);
    const { keyway: track, sameWork: sameWorkTrack } = await pairedRoundTrips(keywayClient, sameWorkClient, TRACK);
    const bareAgain = await roundTrips(bareClient, TRIVIAL);
    const ctx = { principal: 'owner', actor: 'bench' } as const;
    const directEstimate = await timed(async () => void service.estimateCost(ESTIMATE.arguments as never));
    const directTrack = await timed(() => service.trackRequest(TRACK.arguments as never, ctx).then(() => undefined));
    return { bare: best(bareFirst, bareAgain), estimate, track, directEstimate, directTrack, sameWorkEstimate, sameWorkTrack };
  } finally {
    await sameWorkClient.close();
    sameWork.close();
    await keywayClient.close();
    await bareClient.close();
    bare.close();
    await running.close();
    service.close();
  }
}

async function stdioFigures(dataDir: string): Promise<Record<string, Percentiles>> {
  const env = { ...(process.env as Record<string, string>), KEYWAY_DATA_DIR: dataDir, KEYWAY_SECRET_STORE: 'file', SECRET_KEY: 'bench-secret-key-not-real', KEYWAY_TZ: 'UTC' };
  const keywayClient = new Client({ name: 'bench', version: '1' });
  await keywayClient.connect(new StdioClientTransport({ command: process.execPath, args: [KEYWAY_BIN, 'mcp'], env, stderr: 'ignore' }));
  const bareClient = new Client({ name: 'bench', version: '1' });
  await bareClient.connect(
    new StdioClientTransport({ command: process.execPath, args: ['--input-type=module', '-e', BARE_SERVER_SOURCE], env, cwd: process.cwd(), stderr: 'ignore' }),
  );
  try {
    const bareFirst = await roundTrips(bareClient, TRIVIAL);
    const estimate = await roundTrips(keywayClient, ESTIMATE);
    const track = await roundTrips(keywayClient, TRACK);
    const bareAgain = await roundTrips(bareClient, TRIVIAL);
    return { bare: best(bareFirst, bareAgain), estimate, track };
  } finally {
    await keywayClient.close();
    await bareClient.close();
  }
}

/** Keyway and the same-work server, call for call in turn, so machine noise and a growing ledger hit both alike. */
async function pairedRoundTrips(
  keyway: Client,
  sameWork: Client,
  request: { name: string; arguments: Record<string, unknown> },
): Promise<{ keyway: Percentiles; sameWork: Percentiles }> {
  for (let i = 0; i < WARMUP; i++) {
    await keyway.callTool(request);
    await sameWork.callTool(request);
  }
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < CALLS; i++) {
    for (const [side, client] of [keyway, sameWork].entries()) {
      const start = process.hrtime.bigint();
      const result = await client.callTool(request);
      times[side]!.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (result.isError) throw new Error(`${request.name} failed during the benchmark`);
    }
  }
  return { keyway: percentiles(times[0]), sameWork: percentiles(times[1]) };
}

function percentiles(times: number[]): Percentiles {
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

/** The same call made on the service in-process, to separate the service's own work from the MCP front. */
async function timed(fn: () => Promise<void>): Promise<Percentiles> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

function best(a: Percentiles, b: Percentiles): Percentiles {
  return { p50: Math.min(a.p50, b.p50), p99: Math.min(a.p99, b.p99) };
}

function rows(transport: string, figures: Record<string, Percentiles>): BenchRow[] {
  const { bare } = figures as { bare: Percentiles };
  const out: BenchRow[] = [];
  for (const tool of ['estimate', 'track'] as const) {
    const name = tool === 'estimate' ? 'estimate_cost' : 'track_request';
    const f = figures[tool]!;
    for (const p of ['p50', 'p99'] as const) {
      out.push({
        figure: `MCP ${transport} ${name} ${p} / bare SDK`,
        measured: f[p] / bare[p],
        unit: 'x',
        goal: GOAL_RATIO,
        kind: 'max',
        note: `${f[p].toFixed(3)} ms vs bare SDK one-tool server ${bare[p].toFixed(3)} ms (${CALLS} sequential tools/call after ${WARMUP} warm-up)`,
      });
    }
  }
  const direct = figures.directEstimate;
  const directTrack = figures.directTrack;
  for (const [name, f, d] of [
    ['estimate_cost', figures.estimate!, direct],
    ['track_request', figures.track!, directTrack],
  ] as const) {
    if (!d) continue;
    out.push({
      figure: `MCP ${transport} ${name} p50 minus service time / bare SDK`,
      measured: Math.max(0, f.p50 - d.p50) / bare.p50,
      unit: 'x',
      goal: GOAL_RATIO,
      kind: 'max',
      note: `the MCP front's own cost: ${f.p50.toFixed(3)} ms round trip - ${d.p50.toFixed(3)} ms for the same service call in-process, vs bare ${bare.p50.toFixed(3)} ms`,
    });
  }
  for (const [name, f, same] of [
    ['estimate_cost', figures.estimate!, figures.sameWorkEstimate],
    ['track_request', figures.track!, figures.sameWorkTrack],
  ] as const) {
    if (!same) continue;
    out.push({
      figure: `MCP ${transport} ${name} p50 / bare SDK server doing the same work`,
      measured: f.p50 / same.p50,
      unit: 'x',
      goal: GOAL_RATIO,
      kind: 'max',
      note: `Keyway ${f.p50.toFixed(3)} ms vs ${same.p50.toFixed(3)} ms for a bare SDK server with the same schemas, service call and result: what Keyway's own front adds`,
    });
  }
  return out;
}

export async function run(): Promise<BenchRow[]> {
  const socketDir = mkdtempSync(join(tmpdir(), 'keyway-bench-mcp-'));
  const stdioDir = mkdtempSync(join(tmpdir(), 'keyway-bench-mcp-'));
  try {
    return [...rows('socket', await socketFigures(socketDir)), ...rows('stdio', await stdioFigures(stdioDir))];
  } finally {
    rmSync(socketDir, { recursive: true, force: true });
    rmSync(stdioDir, { recursive: true, force: true });
  }
}
