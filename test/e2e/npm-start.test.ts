import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileStoreEnv } from '../support/mcp.js';
import { tempDir } from '../support/temp-dir.js';

const START = fileURLToPath(new URL('../../scripts/start.mjs', import.meta.url));
const ELECTRON_INSTALLED = existsSync(fileURLToPath(new URL('../../node_modules/electron/path.txt', import.meta.url)));
const LINE = /^Keyway is running headless because (.+): open (http:\/\/127\.0\.0\.1:\d+)\/ui\/#token=([A-Za-z0-9_-]+) \(Ctrl\+C to stop\)$/;

interface Started {
  reason: string;
  origin: string;
  token: string;
  dataDir: string;
  stop(): Promise<{ code: number | null; stdout: string }>;
}

/** Runs `npm start`'s script (the test run has already built everything) and waits for its line. */
function start(extraEnv: Record<string, string | undefined>): Promise<Started> {
  const dataDir = tempDir();
  const env: Record<string, string> = { ...fileStoreEnv(dataDir), KEYWAY_PORT: '0', KEYWAY_START_NO_BUILD: '1' };
  for (const [k, v] of Object.entries(extraEnv)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(process.execPath, [START], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = LINE.exec(stdout.split('\n')[0] ?? '');
      if (!match) return;
      resolve({
        reason: match[1]!,
        origin: match[2]!,
        token: match[3]!,
        dataDir,
        stop: async () => {
          child.kill('SIGINT');
          return { code: await exited, stdout };
        },
      });
    });
    void exited.then((code) => reject(new Error(`start.mjs exited (${code}) before printing its line: ${stdout}${stderr}`)));
  });
}

describe('npm start without an Electron runtime or display', () => {
  it('runs keyway serve, prints one line with the reason and the dashboard URL, and stops on Ctrl-C', async () => {
    const started = await start({ KEYWAY_HEADLESS: '1' });
    expect(started.reason).toBe('KEYWAY_HEADLESS=1 is set');
    expect(started.token).toBe(readFileSync(`${started.dataDir}/http-token`, 'utf8').trim());
    const page = await fetch(`${started.origin}/ui/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const api = await fetch(`${started.origin}/api/settings.get`, { method: 'POST', headers: { authorization: `Bearer ${started.token}` }, body: '{}' });
    expect(await api.json()).toMatchObject({ ok: true, result: { data_dir: started.dataDir } });
    const { code, stdout } = await started.stop();
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(existsSync(`${started.dataDir}/server.json`)).toBe(false);
  });

  it.skipIf(ELECTRON_INSTALLED && process.platform !== 'linux')('says why it did not start the desktop app when nothing forces headless', async () => {
    const started = await start({ KEYWAY_HEADLESS: undefined, DISPLAY: undefined, WAYLAND_DISPLAY: undefined });
    expect(started.reason).toMatch(/no Electron runtime is installed|no display/);
    await started.stop();
  });
});
