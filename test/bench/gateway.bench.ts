import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { KeywayService } from '../../src-main/core/service.js';
import { TokenStore } from '../../src-main/core/tokens/token-store.js';
import { readServerInfo } from '../../src-main/server/server-info.js';
import { configFor, startEmulators, type Emulators } from '../emulators/index.js';
import type { BenchRow } from './bench-row.js';

const SECRET_KEY = 'keyway-bench-secret-key';
const SEQUENTIAL = 2000;
const CONCURRENCY = 64;
const THROUGHPUT_SECONDS = 5;
const STREAMS = 500;

/**
 * The gateway in its own `keyway serve` process (as users run it) in front of the OpenAI emulator
 * in this process; a keep-alive undici client calls both. Budgets are on (every paid request is
 * held and settled) and every request is recorded durably.
 */
export async function run(): Promise<BenchRow[]> {
  const emu = await startEmulators();
  const dir = mkdtempSync(join(tmpdir(), 'keyway-bench-gateway-'));
  const server = await startServe(dir, emu);
  const floor = await startFloorProxy(emu);
  try {
    const direct = new Pool(emu.openai.baseUrl, { connections: CONCURRENCY * 8 });
    const gateway = new Pool(server.origin, { connections: CONCURRENCY * 8 });
    const body = JSON.stringify({ model: 'gpt-4o', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello to the benchmark' }] });
    const streamBody = JSON.stringify({ model: 'gpt-4o', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Say hello to the benchmark' }] });
    const viaDirect = { pool: direct, path: '/v1/chat/completions', auth: `Bearer ${emu.openai.key}` };
    const viaGateway = { pool: gateway, path: '/openai/v1/chat/completions', auth: `Bearer ${server.token}` };
    const floorPool = new Pool(floor.origin, { connections: CONCURRENCY * 8 });
    const viaFloor = { pool: floorPool, path: '/openai/v1/chat/completions', auth: 'Bearer unused' };

    // Warm both paths (connections, JIT, prepared statements).
    for (let i = 0; i < 300; i++) {
      await call(viaDirect, body);
      await call(viaGateway, body);
      await call(viaFloor, body);
    }
    const directTimes: number[] = [];
    const gatewayTimes: number[] = [];
    const directTtfb: number[] = [];
    const gatewayTtfb: number[] = [];
    const floorTimes: number[] = [];
    const floorTtfb: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      directTimes.push(await call(viaDirect, body));
      gatewayTimes.push(await call(viaGateway, body));
      floorTimes.push(await call(viaFloor, body));
      directTtfb.push(await firstByte(viaDirect, streamBody));
      gatewayTtfb.push(await firstByte(viaGateway, streamBody));
      floorTtfb.push(await firstByte(viaFloor, streamBody));
    }
    const added = (q: number) => percentile(gatewayTimes, q) - percentile(directTimes, q);
    const floorAdded = (q: number) => percentile(floorTimes, q) - percentile(directTimes, q);
    const addedTtfb = percentile(gatewayTtfb, 0.5) - percentile(directTtfb, 0.5);
    const floorAddedTtfb = percentile(floorTtfb, 0.5) - percentile(directTtfb, 0.5);
    const floorThroughput = (await throughput(viaFloor, body)).perSecond;

    const recordedBefore = countRecords(dir);
    const { perSecond, ok } = await throughput(viaGateway, body);
    const recordedAfterRun = await waitForRecords(dir, recordedBefore + ok, 20_000);

    emu.openai.chunkDelayMs = 20;
    const beforeStreams = recordedAfterRun;
    let peakRss = rss(server.child.pid!);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rss(server.child.pid!))), 20);
    const streams = await Promise.all(Array.from({ length: STREAMS }, () => streamToEnd(viaGateway, streamBody)));
    clearInterval(sampler);
    emu.openai.chunkDelayMs = 0;
    const completed = streams.filter(Boolean).length;
    const streamRecords = (await waitForRecords(dir, beforeStreams + STREAMS, 20_000)) - beforeStreams;
    await direct.close();
    await gateway.close();
    await floorPool.close();
    const floorNote = `a do-nothing proxy (node:http + undici, test/bench/floor-proxy.ts) in the same run`;
    return [
      { figure: 'gateway added latency p50 (non-streamed chat)', measured: round(added(0.5)), unit: 'ms', goal: 0.3, kind: 'max', note: `${SEQUENTIAL} sequential requests each way, gateway minus direct to the emulator, keep-alive; ${floorNote} added ${round(floorAdded(0.5))} ms` },
      { figure: 'gateway added latency p99 (non-streamed chat)', measured: round(added(0.99)), unit: 'ms', goal: 2, kind: 'max', note: `${floorNote} added ${round(floorAdded(0.99))} ms` },
      { figure: 'gateway added time to first byte p50 (streams)', measured: round(addedTtfb), unit: 'ms', goal: 1, kind: 'max', note: `${floorNote} added ${round(floorAddedTtfb)} ms` },
      { figure: `gateway throughput, ${CONCURRENCY} concurrent clients`, measured: Math.round(perSecond), unit: 'req/s', goal: 3000, kind: 'min', note: `${THROUGHPUT_SECONDS} s; budgets on; every answered request was in the ledger afterwards; ${floorNote} reached ${Math.round(floorThroughput)} req/s` },
      { figure: 'gateway requests answered but not recorded', measured: recordedBefore + ok - recordedAfterRun, unit: 'requests', goal: 0, kind: 'max' },
      { figure: `${STREAMS} concurrent streams completed`, measured: completed, unit: 'streams', goal: STREAMS, kind: 'min' },
      { figure: `${STREAMS} concurrent streams recorded`, measured: streamRecords, unit: 'records', goal: STREAMS, kind: 'min' },
      { figure: `service peak RSS during ${STREAMS} streams`, measured: Math.round(peakRss / 1024 / 1024), unit: 'MB', goal: 150, kind: 'max', note: 'resident set of the keyway serve process, sampled every 20 ms' },
    ];
  } finally {
    floor.child.kill('SIGTERM');
    server.child.kill('SIGTERM');
    await new Promise((done) => server.child.once('exit', done));
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Via {
  pool: Pool;
  path: string;
  auth: string;
}

async function call(via: Via, body: string): Promise<number> {
  const start = performance.now();
  const res = await via.pool.request({ path: via.path, method: 'POST', headers: { authorization: via.auth, 'content-type': 'application/json' }, body });
  await res.body.arrayBuffer();
  if (res.statusCode !== 200) throw new Error(`bench request answered ${res.statusCode}`);
  return performance.now() - start;
}

async function firstByte(via: Via, body: string): Promise<number> {
  const start = performance.now();
  const res = await via.pool.request({ path: via.path, method: 'POST', headers: { authorization: via.auth, 'content-type': 'application/json' }, body });
  let ttfb = 0;
  for await (const _chunk of res.body) if (ttfb === 0) ttfb = performance.now() - start;
  return ttfb;
}

async function streamToEnd(via: Via, body: string): Promise<boolean> {
  const res = await via.pool.request({ path: via.path, method: 'POST', headers: { authorization: via.auth, 'content-type': 'application/json' }, body });
  const text = await res.body.text();
  return res.statusCode === 200 && text.includes('[DONE]');
}

async function throughput(via: Via, body: string): Promise<{ perSecond: number; ok: number }> {
  let stop = false;
  let ok = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (!stop) {
      await call(via, body);
      ok += 1;
    }
  };
  const workers = Array.from({ length: CONCURRENCY }, worker);
  await new Promise((done) => setTimeout(done, THROUGHPUT_SECONDS * 1000));
  stop = true;
  await Promise.all(workers);
  return { perSecond: ok / ((performance.now() - start) / 1000), ok };
}

async function startServe(dir: string, emu: Emulators): Promise<{ child: ChildProcess; origin: string; token: string }> {
  const dataDir = join(dir, 'data');
  const configPath = join(dir, 'routing_config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      providers: Object.fromEntries(Object.entries(configFor(emu)).map(([p, c]) => [p, { ...c, rate_limit: 1_000_000 }])),
      routing: { chat: 'openai' },
      fallback_order: ['openai', 'anthropic', 'google', 'local'],
      budget: { enabled: true, daily_limit: 1_000_000, monthly_limit: 10_000_000, alert_threshold: 0.8 },
    }),
  );
  const env = { SECRET_KEY, KEYWAY_CONFIG: configPath, KEYWAY_TZ: 'UTC' };
  const service = KeywayService.open({ dataDir, store: 'file', env, timeZone: 'UTC' });
  await service.addKey({ provider: 'openai', api_key: emu.openai.key }, { principal: 'owner', actor: 'bench' });
  service.close();
  const { token } = await new TokenStore({ dataDir }).create({ kind: 'gateway', name: 'bench' });
  const cli = resolve('dist/cli/main.cjs');
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--data-dir', dataDir, '--store', 'file'], {
    env: { PATH: process.env.PATH, HOME: dir, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    const info = readServerInfo(dataDir);
    if (info && info.pid === child.pid) return { child, origin: info.http_origin, token };
    await new Promise((done) => setTimeout(done, 50));
  }
  child.kill();
  throw new Error('keyway serve did not start within 15 s');
}

/** The do-nothing proxy in its own process, in front of the same emulator with the same key. */
async function startFloorProxy(emu: Emulators): Promise<{ child: ChildProcess; origin: string }> {
  const script = fileURLToPath(new URL('./floor-proxy.js', import.meta.url));
  const child = spawn(process.execPath, [script, emu.openai.baseUrl, emu.openai.key], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, origin: `http://127.0.0.1:${String(line).trim()}` };
}

function countRecords(dir: string): number {
  const service = KeywayService.open({ dataDir: join(dir, 'data'), store: 'file', env: { SECRET_KEY }, timeZone: 'UTC' });
  try {
    return service.getUsage({ days: 1 }).totals.requests;
  } finally {
    service.close();
  }
}

async function waitForRecords(dir: string, n: number, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  let seen = countRecords(dir);
  while (seen < n && Date.now() < until) {
    await new Promise((done) => setTimeout(done, 100));
    seen = countRecords(dir);
  }
  return seen;
}

function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
