import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { KeywayService } from '../../src-main/core/service.js';
import { SocketClientTransport } from '../../src-main/mcp/socket-client-transport.js';
import { startKeywayServer } from '../../src-main/server/keyway-server.js';
import type { BenchRow } from './bench-row.js';
import { floorServer, type RecordedAnswers } from './floor-server.js';

const WARMUP = 200;
const CALLS = 2000;
const GOAL_RATIO = 1.3;
/** The built CLI and the floor server, seen from dist-bench/test/bench/. */
const KEYWAY_BIN = fileURLToPath(new URL('../../../dist/cli/main.cjs', import.meta.url));
const FLOOR_BIN = fileURLToPath(new URL('./floor-server.js', import.meta.url));
const SECRET = 'bench-secret-key-not-real';

type Call = { name: string; arguments: Record<string, unknown> };
const ESTIMATE: Call = { name: 'estimate_cost', arguments: { provider: 'anthropic', input_tokens: 5000, output_tokens: 2000 } };
const BUDGET: Call = { name: 'check_budget', arguments: {} };
const TRACK: Call = { name: 'track_request', arguments: { provider: 'anthropic', input_tokens: 1000, output_tokens: 500, model: 'claude-3-5-sonnet-20241022' } };
const CALLS_BENCHED = [ESTIMATE, BUDGET, TRACK];

interface Percentiles {
  p50: number;
  p99: number;
}

/** Keyway's own answers, the floor server's script: its tools/list and one result per benchmarked call. */
async function record(keyway: Client): Promise<RecordedAnswers> {
  const { tools } = await keyway.listTools();
  const results: Record<string, CallToolResult> = {};
  for (const call of CALLS_BENCHED) {
    const result = (await keyway.callTool(call)) as CallToolResult;
    if (result.isError) throw new Error(`${call.name} failed while recording: ${JSON.stringify(result.content)}`);
    results[call.name] = result;
  }
  return { tools, results };
}

/** Proves the floor answers with Keyway's bytes: the same tools/list and the same read-only results. */
async function checkFloor(floor: Client, recorded: RecordedAnswers): Promise<void> {
  const { tools } = await floor.listTools();
  if (JSON.stringify(tools) !== JSON.stringify(recorded.tools)) throw new Error('the floor server\'s tools/list differs from Keyway\'s');
  for (const call of [ESTIMATE, BUDGET]) {
    if (JSON.stringify(await floor.callTool(call)) !== JSON.stringify(recorded.results[call.name])) throw new Error(`the floor server's ${call.name} result differs from Keyway's`);
  }
}

async function connect(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  return client;
}

/**
 * Keyway and the floor, call for call in turn, so machine noise and a growing ledger hit both alike;
 * `alongside` (the durable commit on its own) runs in the same turns.
 */
async function paired(keyway: Client, floor: Client, request: Call, alongside?: () => Promise<unknown>): Promise<Sides> {
  const sides: Array<() => Promise<unknown>> = [
    async () => {
      if ((await keyway.callTool(request)).isError) throw new Error(`${request.name} failed during the benchmark`);
    },
    () => floor.callTool(request),
    ...(alongside ? [alongside] : []),
  ];
  for (let i = 0; i < WARMUP; i++) for (const side of sides) await side();
  const times: number[][] = sides.map(() => []);
  for (let i = 0; i < CALLS; i++) {
    for (const [n, side] of sides.entries()) {
      const start = process.hrtime.bigint();
      await side();
      times[n]!.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return { keyway: percentiles(times[0]!), floor: percentiles(times[1]!), ...(alongside ? { commit: percentiles(times[2]!) } : {}) };
}

function percentiles(times: number[]): Percentiles {
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

/** The durable commit on its own: the service's trackRequest in-process, on a data dir of its own. */
async function withCommit<T>(dataDir: string, use: (commit: () => Promise<unknown>) => Promise<T>): Promise<T> {
  const service = KeywayService.open({ dataDir, store: 'file', env: { SECRET_KEY: SECRET }, timeZone: 'UTC' });
  // Typed loosely so that it fits the call context whether or not it names a principal yet.
  const ctx = { principal: 'owner', actor: 'bench' } as const;
  try {
    return await use(() => service.trackRequest(TRACK.arguments as never, ctx));
  } finally {
    service.close();
  }
}

interface Sides {
  keyway: Percentiles;
  floor: Percentiles;
  commit?: Percentiles;
}
type Figures = Record<string, Sides>;

async function measure(keyway: Client, floor: Client, commitDir: string): Promise<Figures> {
  const figures: Figures = {};
  for (const call of [ESTIMATE, BUDGET]) figures[call.name] = await paired(keyway, floor, call);
  figures[TRACK.name] = await withCommit(commitDir, (commit) => paired(keyway, floor, TRACK, commit));
  return figures;
}

/** Keyway's MCP over its owner socket (in this process) vs the floor on a socket of its own. */
async function socketFigures(dataDir: string, commitDir: string): Promise<Figures> {
  const service = KeywayService.open({ dataDir, store: 'file', env: { SECRET_KEY: SECRET }, timeZone: 'UTC' });
  const running = await startKeywayServer({ service, port: 0 });
  const keyway = await connect(new SocketClientTransport(running.info.socket));
  let floorSocket: Server | undefined;
  let floor: Client | undefined;
  try {
    const recorded = await record(keyway);
    const path = join(dataDir, 'floor.sock');
    floorSocket = createServer((socket) => {
      socket.on('error', () => socket.destroy());
      void floorServer(recorded, join(commitDir, 'floor-ledger.db')).connect(new StdioServerTransport(socket, socket));
    });
    await new Promise<void>((resolve) => floorSocket!.listen(path, resolve));
    floor = await connect(new SocketClientTransport(path));
    await checkFloor(floor, recorded);
    return await measure(keyway, floor, commitDir);
  } finally {
    await floor?.close();
    floorSocket?.close();
    await keyway.close();
    await running.close();
    service.close();
  }
}

/** `keyway mcp` as an editor launches it vs the floor launched the same way. */
async function stdioFigures(dataDir: string, commitDir: string): Promise<Figures> {
  const env = { ...(process.env as Record<string, string>), KEYWAY_DATA_DIR: dataDir, KEYWAY_SECRET_STORE: 'file', SECRET_KEY: SECRET, KEYWAY_TZ: 'UTC' };
  const keyway = await connect(new StdioClientTransport({ command: process.execPath, args: [KEYWAY_BIN, 'mcp'], env, stderr: 'ignore' }));
  let floor: Client | undefined;
  try {
    const recorded = await record(keyway);
    const file = join(dataDir, 'recorded.json');
    writeFileSync(file, JSON.stringify(recorded));
    floor = await connect(new StdioClientTransport({ command: process.execPath, args: [FLOOR_BIN, file, join(commitDir, 'floor-ledger.db')], env, stderr: 'ignore' }));
    await checkFloor(floor, recorded);
    return await measure(keyway, floor, commitDir);
  } finally {
    await floor?.close();
    await keyway.close();
  }
}

function rows(transport: string, figures: Figures): BenchRow[] {
  const out: BenchRow[] = [];
  for (const name of ['estimate_cost', 'check_budget']) {
    const { keyway, floor } = figures[name]!;
    out.push({
      figure: `MCP ${transport} ${name} p50 / floor server`,
      measured: keyway.p50 / floor.p50,
      unit: 'x',
      goal: GOAL_RATIO,
      kind: 'max',
      note: `${keyway.p50.toFixed(3)} ms vs ${floor.p50.toFixed(3)} ms (p99 ${keyway.p99.toFixed(3)} vs ${floor.p99.toFixed(3)} ms, ${(keyway.p99 / floor.p99).toFixed(2)}x); ${CALLS} sequential tools/call each after ${WARMUP} warm-up, Keyway and the floor in turn`,
    });
  }
  const { keyway, floor, commit } = figures.track_request as Required<Sides>;
  out.push({
    figure: `MCP ${transport} track_request p50 / floor server storing each call durably`,
    measured: keyway.p50 / floor.p50,
    unit: 'x',
    goal: GOAL_RATIO,
    kind: 'max',
    note: `${keyway.p50.toFixed(3)} ms vs ${floor.p50.toFixed(3)} ms (p99 ${keyway.p99.toFixed(3)} vs ${floor.p99.toFixed(3)} ms); the floor stores the call's arguments as one SQLite row, WAL synced before it answers. Keyway's own durable commit (in-process trackRequest, same turns): p50 ${commit.p50.toFixed(3)} ms, p99 ${commit.p99.toFixed(3)} ms`,
  });
  return out;
}

export async function run(): Promise<BenchRow[]> {
  const dirs = [0, 1, 2, 3].map(() => mkdtempSync(join(tmpdir(), 'keyway-bench-mcp-')));
  try {
    return [...rows('socket', await socketFigures(dirs[0]!, dirs[1]!)), ...rows('stdio', await stdioFigures(dirs[2]!, dirs[3]!))];
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
