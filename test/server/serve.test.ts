import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../src-main/server/server-info.js';
import { canaryCore, canaryKey } from '../support/canary.js';
import { KEYWAY_BIN, runKeyway } from '../support/cli.js';
import { fileStoreEnv } from '../support/mcp.js';
import { tempDir } from '../support/temp-dir.js';

interface Served {
  child: ChildProcess;
  info: ServerInfo;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the real `keyway serve --port 0` and waits until its server.json names it. */
async function serve(dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, [KEYWAY_BIN, 'serve', '--port', '0', '--json'], { env: fileStoreEnv(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const info = await new Promise<ServerInfo>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      try {
        resolve(JSON.parse(stdout) as ServerInfo);
      } catch {
        // Not complete yet.
      }
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return { child, info, stderr: () => stderr, exited };
}

describe('keyway serve', () => {
  it('writes owner-only server.json, socket and token, refuses a second instance, and cleans up on SIGTERM', async () => {
    const dataDir = tempDir();
    const served = await serve(dataDir);
    expect(served.info.pid).toBe(served.child.pid);
    expect(served.info.mcp_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const serverJson = join(dataDir, 'server.json');
    expect(JSON.parse(readFileSync(serverJson, 'utf8'))).toEqual(served.info);
    for (const file of [serverJson, served.info.socket, join(dataDir, 'http-token')]) expect(statSync(file).mode & 0o777, file).toBe(0o600);

    const second = await runKeyway(['serve', '--port', '0'], { env: fileStoreEnv(dataDir) });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`pid ${served.info.pid}`);

    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(existsSync(serverJson)).toBe(false);
    expect(existsSync(served.info.socket)).toBe(false);
  });

  it.each([
    [['--port', '70000'], {}, 2, 'port must be a whole number from 0 to 65535, got "70000"'],
    [[], { KEYWAY_PORT: 'abc' }, 1, 'KEYWAY_PORT must be a whole number from 0 to 65535, got "abc"'],
  ])('refuses port %j %j with exit %i and a message naming it', async (args, extra, code, message) => {
    const dataDir = tempDir();
    const result = await runKeyway(['serve', ...args], { env: fileStoreEnv(dataDir, extra) });
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
  });

  it('takes over a stale server.json whose pid is dead, and stops cleanly on SIGINT', async () => {
    const dataDir = tempDir();
    const stale: ServerInfo = { pid: 2 ** 22 + 12345, socket: join(dataDir, 'keyway.sock'), mcp_url: 'http://127.0.0.1:1/mcp', http_origin: 'http://127.0.0.1:1', started_at: '2020-01-01T00:00:00.000Z', version: '0.0.0' };
    writeFileSync(join(dataDir, 'server.json'), JSON.stringify(stale), { mode: 0o600 });
    writeFileSync(join(dataDir, 'keyway.sock'), '');
    const served = await serve(dataDir);
    expect(served.info.pid).toBe(served.child.pid);
    expect(served.stderr()).toContain('stale server.json');
    served.child.kill('SIGINT');
    expect(await served.exited).toBe(0);
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
  });

  it('usage export and estimate --text go through the running service too', async () => {
    const dataDir = tempDir();
    const served = await serve(dataDir);
    const env = fileStoreEnv(dataDir);
    for (const input of ['10', '20']) expect((await runKeyway(['track', 'openai', '--input', input, '--output', '5'], { env })).code).toBe(0);
    // Only the service's open ledger still has these records; a CLI opening usage.db itself would find an empty new one.
    mkdirSync(join(dataDir, 'aside'));
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('usage.db'))) renameSync(join(dataDir, file), join(dataDir, 'aside', file));
    const exported = await runKeyway(['usage', 'export'], { env });
    expect(exported.code).toBe(0);
    expect(exported.stdout.trim().split('\n').slice(1).map((line) => line.split(',')[4])).toEqual(['10', '20']);
    writeFileSync(join(dataDir, 'prompt.txt'), 'hello world');
    const estimated = await runKeyway(['estimate', 'openai', '--text', 'prompt.txt', '--json'], { env, cwd: dataDir });
    expect(estimated.code).toBe(0);
    expect(JSON.parse(estimated.stdout).token_count.tokens).toBe(2);
    expect(existsSync(join(dataDir, 'usage.db'))).toBe(false);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('makes CLI commands go through the running service instead of opening the files themselves', async () => {
    const dataDir = tempDir();
    const served = await serve(dataDir);
    // This CLI has neither SECRET_KEY nor a store choice: only the service can open the vault.
    const cliEnv = { KEYWAY_DATA_DIR: dataDir, KEYWAY_SECRET_STORE: '', SECRET_KEY: '', MY_KEY: canaryKey('anthropic') };
    const secret = cliEnv.MY_KEY;
    const added = await runKeyway(['keys', 'add', 'anthropic', '--from-env', 'MY_KEY', '--json'], { env: cliEnv });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout).key.id).toBe('anthropic:default');
    const piped = canaryKey('openai');
    expect((await runKeyway(['keys', 'add', 'openai', '--label', 'work'], { env: cliEnv, input: piped })).code).toBe(0);

    const listed = await runKeyway(['keys', 'list', '--json'], { env: cliEnv });
    expect(JSON.parse(listed.stdout).keys.map((k: { id: string }) => k.id).sort()).toEqual(['anthropic:default', 'openai:work']);
    const missing = await runKeyway(['keys', 'remove', 'google'], { env: cliEnv });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No google key');
    const audit = await runKeyway(['audit', '--json'], { env: cliEnv });
    expect(JSON.parse(audit.stdout).entries.map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`)).toEqual([
      'cli key.add',
      'cli key.add',
      'cli key.remove',
    ]);
    const exported = await runKeyway(['keys', 'export', '--to', 'backup.enc', '--passphrase-env', 'PASS'], { env: { ...cliEnv, PASS: 'long enough passphrase' }, cwd: dataDir });
    expect(exported.code).toBe(0);
    expect(existsSync(join(dataDir, 'backup.enc'))).toBe(true);

    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    const everything = [added, listed, missing, audit, exported].map((r) => r.stdout + r.stderr).join('') + served.stderr() + readFileSync(join(dataDir, 'audit.jsonl'), 'utf8');
    expect(everything).not.toContain(canaryCore(secret));
    expect(everything).not.toContain(canaryCore(piped));
  });
});
