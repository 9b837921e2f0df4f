import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BenchRow } from './bench-row.js';
import { largeLedger } from './usage.bench.js';

// Compiled to dist-bench/test/bench/, so the repository root is three levels up.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MB = 1024 * 1024;

export async function run(): Promise<BenchRow[]> {
  return [rendererBundle(), ...(await headlessRss())];
}

/** All JavaScript the dashboard loads, gzipped at level 9 (what a browser downloads, roughly). */
function rendererBundle(): BenchRow {
  const assets = join(ROOT, 'dist/renderer/assets');
  const build = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build:renderer'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build:renderer failed: ${build.stderr}`);
  const files = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const raw = files.reduce((sum, f) => sum + readFileSync(join(assets, f)).length, 0);
  const gzipped = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
  return {
    figure: 'renderer JS, gzipped',
    measured: Math.round(gzipped / 1024),
    unit: 'KB',
    goal: 250,
    kind: 'max',
    note: `${files.length} file(s), ${Math.round(raw / 1024)} KB before gzip (React 19 + react-dom + zod + the app), fresh vite build`,
  };
}

/**
 * `keyway serve` (the real built binary) on a data dir holding the 1,000,000-record ledger from the
 * usage bench: resident memory once it serves, and again after the dashboard's first load.
 */
async function headlessRss(): Promise<BenchRow[]> {
  const ledger = largeLedger();
  const dataDir = mkdtempSync(join(tmpdir(), 'keyway-bench-serve-'));
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(ledger + suffix)) copyFileSync(ledger + suffix, join(dataDir, `usage.db${suffix}`));
  const child = spawn(process.execPath, [join(ROOT, 'dist/cli/main.cjs'), 'serve', '--port', '0'], {
    env: { ...process.env, KEYWAY_DATA_DIR: dataDir, KEYWAY_SECRET_STORE: 'file', SECRET_KEY: 'bench-secret-key-not-real', KEYWAY_TZ: 'UTC' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  try {
    const info = await waitForServer(dataDir, child.pid!);
    await sleep(1000);
    const afterStart = rssBytes(child.pid!);
    const token = readFileSync(join(dataDir, 'http-token'), 'utf8').trim();
    const res = await fetch(`${info.http_origin}/api/dashboard.get`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });
    if (!res.ok) throw new Error(`dashboard.get answered ${res.status}`);
    await res.json();
    const afterDashboard = rssBytes(child.pid!);
    return [
      { figure: 'keyway serve RSS after start, 1,000,000 usage records', measured: Math.round(afterStart / MB), unit: 'MB', goal: 100, kind: 'max', note: 'VmRSS of the spawned `keyway serve` 1 s after server.json appeared (socket, HTTP, /ui, /api, health pings)' },
      { figure: 'keyway serve RSS after the first dashboard load', measured: Math.round(afterDashboard / MB), unit: 'MB', goal: 100, kind: 'max', note: 'after one POST /api/dashboard.get (budget status, provider stats, 30-day usage per provider)' },
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function waitForServer(dataDir: string, pid: number): Promise<{ http_origin: string }> {
  for (let i = 0; i < 600; i++) {
    try {
      const info = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { pid: number; http_origin: string };
      if (info.pid === pid) return info;
    } catch {
      // not yet written
    }
    await sleep(100);
  }
  throw new Error('keyway serve did not start within 60 s');
}

/** Resident set size of a process: /proc on Linux, `ps` elsewhere. */
function rssBytes(pid: number): number {
  if (existsSync(`/proc/${pid}/status`)) {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match) return Number(match[1]) * 1024;
  }
  return Number(spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim()) * 1024;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
