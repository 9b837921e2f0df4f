import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './bench-row.js';

const ROUNDS = 21;
/** The built CLI, seen from dist-bench/test/bench/. */
const KEYWAY_BIN = fileURLToPath(new URL('../../../dist/cli/main.cjs', import.meta.url));

interface Start {
  figure: string;
  args: string[];
  goal: number;
  /** How long until the command has done its job: its exit, or (for `keyway mcp`) its first tools/list answer. */
  time: (args: string[], env: NodeJS.ProcessEnv) => Promise<number>;
}

const untilExit = (args: string[], env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
    });
  });

/** Spawns `keyway mcp`, sends initialize + tools/list at once and times the tools/list answer. */
const untilToolsList = (args: string[], env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'ignore'] });
    let buffered = '';
    let answered = false;
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!answered) reject(new Error(`keyway mcp exited ${code} before answering tools/list`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      if (!answered && buffered.includes('"id":2')) {
        answered = true;
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (!buffered.includes('"estimate_cost"')) reject(new Error('tools/list answer without estimate_cost'));
        child.on('exit', () => resolve(ms));
        child.stdin.end();
      }
    });
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  });

const STARTS: Start[] = [
  { figure: 'keyway --version', args: [KEYWAY_BIN, '--version'], goal: 1.5, time: untilExit },
  { figure: 'keyway budget', args: [KEYWAY_BIN, 'budget'], goal: 2.5, time: untilExit },
  { figure: 'keyway usage', args: [KEYWAY_BIN, 'usage'], goal: 2.5, time: untilExit },
  { figure: 'keyway mcp to its first tools/list answer', args: [KEYWAY_BIN, 'mcp'], goal: 3, time: untilToolsList },
];

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Start-up of the built `keyway` as a shell, a status bar or an editor runs it, against `node -e 0` in the same rounds. */
export async function run(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyway-bench-cli-'));
  // The compile cache starts empty in the data dir's folder: the first (uncounted) round fills it, as a user's first run does.
  const env = { ...process.env, KEYWAY_DATA_DIR: dataDir, XDG_CACHE_HOME: join(dataDir, 'cache'), KEYWAY_SECRET_STORE: 'file', SECRET_KEY: 'bench-secret-key-not-real', KEYWAY_TZ: 'UTC' };
  try {
    const seeded = spawnSync(process.execPath, [KEYWAY_BIN, 'track', 'anthropic', '--input', '1000', '--output', '500', '--model', 'claude-3-5-sonnet-20241022'], { env, encoding: 'utf8' });
    if (seeded.status !== 0) throw new Error(`keyway track failed: ${seeded.stderr}`);
    const node: number[] = [];
    const times = STARTS.map((): number[] => []);
    // Round-robin, so that machine noise hits Node and every command alike; the first round warms the disk and compile caches.
    for (let round = 0; round <= ROUNDS; round++) {
      const nodeMs = await untilExit(['-e', '0'], env);
      if (round > 0) node.push(nodeMs);
      for (const [i, start] of STARTS.entries()) {
        const ms = await start.time(start.args, env);
        if (round > 0) times[i]!.push(ms);
      }
    }
    const base = median(node);
    return STARTS.map((start, i) => ({
      figure: `${start.figure} / node -e 0`,
      measured: median(times[i]!) / base,
      unit: 'x',
      goal: start.goal,
      kind: 'max' as const,
      note: `median ${median(times[i]!).toFixed(0)} ms vs ${base.toFixed(0)} ms for node -e 0 (${ROUNDS} rounds, each spawning both in turn, a data dir holding one record)`,
    }));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
