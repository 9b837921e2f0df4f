import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, openSync, readFileSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TEXT_BYTES } from '../../src-main/cli/commands/estimate.js';
import { isolatedEnv, KEYWAY_BIN, runKeyway } from '../support/cli.js';
import { fileStoreEnv, startTestServer, type TestServer } from '../support/mcp.js';
import { tempDir } from '../support/temp-dir.js';

const LIMIT_MESSAGE = /--text file .* is larger than 8 MiB, the limit; estimate a smaller file\./;
/** Node and the tokenizer take about 100 MB; reading 400 MB or /dev/zero whole took 900 MB to 20 GB. */
const RSS_BOUND_KB = 300 * 1024;

interface Watched {
  child: ChildProcess;
  stderr(): string;
  /** The exit code, or the signal that ended it, and the peak RSS seen (kB). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; peakKb: number }>;
}

/** Runs `keyway estimate ... --text <path>` and samples its peak RSS (VmHWM) until it exits. */
function estimateText(path: string, dataDir = tempDir()): Watched {
  const child = spawn(process.execPath, [KEYWAY_BIN, 'estimate', 'openai', '--text', path], { env: { ...isolatedEnv(), KEYWAY_DATA_DIR: dataDir, KEYWAY_SECRET_STORE: 'file' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let peakKb = 0;
  const sample = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // Exited between two samples.
    }
  }, 10);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; peakKb: number }>((resolve) =>
    child.on('exit', (code, signal) => {
      clearInterval(sample);
      resolve({ code, signal, peakKb });
    }),
  );
  children.push(child);
  return { child, stderr: () => stderr, exited };
}

const children: ChildProcess[] = [];
let server: TestServer | undefined;
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await server?.close();
  server = undefined;
});

describe('keyway estimate --text reads at most 8 MiB', () => {
  it('states the limit the README states', () => {
    expect(MAX_TEXT_BYTES).toBe(8 * 1024 * 1024);
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain('`--text` reads at most 8 MiB');
  });

  it('stops reading /dev/zero at the limit, with memory bounded', async () => {
    const run = estimateText('/dev/zero');
    const { code, peakKb } = await run.exited;
    expect(code).toBe(1);
    expect(run.stderr()).toMatch(LIMIT_MESSAGE);
    expect(peakKb).toBeLessThan(RSS_BOUND_KB);
  });

  it('stops reading a 400 MB file at the limit, with memory bounded', async () => {
    const path = join(tempDir(), 'huge.txt');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 400 * 1024 * 1024);
    closeSync(fd);
    const run = estimateText(path);
    const { code, peakKb } = await run.exited;
    expect(code).toBe(1);
    expect(run.stderr()).toMatch(LIMIT_MESSAGE);
    expect(peakKb).toBeLessThan(RSS_BOUND_KB);
  });

  it('stops reading a FIFO fed 400 MB at the limit, with memory bounded', async () => {
    const fifo = join(tempDir(), 'prompt.fifo');
    execFileSync('mkfifo', [fifo]);
    const run = estimateText(fifo);
    const writer = createWriteStream(fifo);
    writer.on('error', () => {});
    let written = 0;
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const feed = () => {
      while (written < 400 && !writer.destroyed && writer.write(chunk)) written++;
      if (written < 400 && !writer.destroyed) writer.once('drain', feed);
    };
    feed();
    const { code, peakKb } = await run.exited;
    writer.destroy();
    expect(code).toBe(1);
    expect(run.stderr()).toMatch(LIMIT_MESSAGE);
    expect(written).toBeLessThan(400);
    expect(peakKb).toBeLessThan(RSS_BOUND_KB);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('ends at once on %s while it waits on a FIFO', async (signal) => {
    // A data dir already in use: opening the service takes its locks (which install signal handlers).
    const dataDir = tempDir();
    expect((await runKeyway(['track', 'openai', '--input', '1', '--output', '1'], { env: { KEYWAY_DATA_DIR: dataDir, KEYWAY_SECRET_STORE: 'file' } })).code).toBe(0);
    const fifo = join(tempDir(), 'slow.fifo');
    execFileSync('mkfifo', [fifo]);
    const run = estimateText(fifo, dataDir);
    const writer = createWriteStream(fifo);
    writer.on('error', () => {});
    writer.write('a little text, then nothing');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(run.child.exitCode).toBeNull();
    const sent = Date.now();
    run.child.kill(signal);
    const { signal: ended } = await run.exited;
    writer.destroy();
    expect(ended).toBe(signal);
    expect(Date.now() - sent).toBeLessThan(1000);
  });

  it('counts a text at the limit through a running service, and refuses one whose message would pass 10 MiB with a clear error', async () => {
    const dataDir = tempDir();
    server = await startTestServer((await import('../support/mcp.js')).openServiceIn(dataDir));
    const env = fileStoreEnv(dataDir);
    const atLimit = join(dataDir, 'at-limit.txt');
    writeFileSync(atLimit, Buffer.alloc(MAX_TEXT_BYTES, 'word '));
    const counted = await runKeyway(['estimate', 'openai', '--text', atLimit, '--json'], { env });
    expect(counted.code).toBe(0);
    expect(JSON.parse(counted.stdout).token_count.tokens).toBeGreaterThan(MAX_TEXT_BYTES / 5 - 10);
    // 7 MiB of control bytes: within the text limit, but JSON escapes each as 6 bytes.
    const escaped = join(dataDir, 'escaped.txt');
    writeFileSync(escaped, Buffer.alloc(7 * 1024 * 1024, 1));
    const refused = await runKeyway(['estimate', 'openai', '--text', escaped], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/over 10 MiB, the limit for one message to the running service/);
    expect(refused.stderr).not.toContain('Internal error');
  });
});
