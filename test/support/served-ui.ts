import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ApiResponse } from '../../src-main/shared/api-contract.js';
import type { ChannelInput, ChannelResult, JsonChannel } from '../../src-main/shared/channels.js';
import { DEFAULT_ROUTING_CONFIG } from '../../src-main/core/config/default-config.js';
import { configFor, startEmulators, type Emulators } from '../emulators/index.js';
import { KEYWAY_BIN } from './cli.js';
import { fileStoreEnv } from './mcp.js';

/** Screenshots and failure dumps of browser tests. */
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
export const POPOVER = { width: 380, height: 560 };

export interface ServedUi {
  emu: Emulators;
  dataDir: string;
  /** http://127.0.0.1:<port> of `keyway serve`: /ui, /api, /mcp and the gateway. */
  origin: string;
  /** The dashboard token (the data dir's http-token file). */
  token: string;
  browser: Browser;
  /** A fresh browser context on /ui with the token in the fragment; console and network kept for failure dumps. */
  openPage(options?: { colorScheme?: 'light' | 'dark'; fragment?: string }): Promise<Page>;
  /** One owner call over /api with the dashboard token. */
  api<C extends JsonChannel>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>>;
  /** Screenshots and logs of every page opened since the last call, when the test failed. */
  afterTest(failed: boolean): Promise<void>;
  close(): Promise<void>;
}

async function waitForServer(dir: string, serve: ChildProcess): Promise<{ http_origin: string }> {
  for (;;) {
    try {
      const info = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')) as { pid: number; http_origin: string };
      if (info.pid === serve.pid) return info;
    } catch {
      // not written yet
    }
    if (serve.exitCode !== null) throw new Error(`keyway serve exited with ${serve.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A real `keyway serve` (the built binary, file secret store, temp data dir) whose providers are the
 * emulators, and a headless Chromium to drive its GUI. Close it in afterAll.
 */
export async function startServedUi(config: Record<string, unknown> = {}): Promise<ServedUi> {
  const emu = await startEmulators();
  // Not tempDir(): that one is removed after each test, and this data dir serves the whole file.
  const dataDir = mkdtempSync(join(tmpdir(), 'keyway-e2e-'));
  writeFileSync(join(dataDir, 'routing_config.json'), JSON.stringify({ ...DEFAULT_ROUTING_CONFIG, providers: configFor(emu), ...config }, null, 2));
  const serve = spawn(process.execPath, [KEYWAY_BIN, 'serve', '--port', '0'], { env: fileStoreEnv(dataDir), stdio: ['ignore', 'ignore', 'pipe'] });
  const origin = (await waitForServer(dataDir, serve)).http_origin;
  const token = readFileSync(join(dataDir, 'http-token'), 'utf8').trim();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  const pages: Array<{ page: Page; log: string[] }> = [];

  const api = async <C extends JsonChannel>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>> => {
    const res = await fetch(`${origin}/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(input) });
    const body = (await res.json()) as ApiResponse<C>;
    if (!body.ok) throw new Error(`${channel}: ${body.error.message}`);
    return body.result as ChannelResult<C>;
  };

  return {
    emu,
    dataDir,
    origin,
    token,
    browser,
    api,
    async openPage({ colorScheme = 'light', fragment = `#token=${token}` } = {}) {
      // Reduced motion: bars jump to their value, so screenshots show the final state.
      const context = await browser.newContext({ viewport: POPOVER, colorScheme, reducedMotion: 'reduce' });
      const page = await context.newPage();
      const log: string[] = [];
      page.on('console', (m) => log.push(`console ${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
      page.on('requestfailed', (r) => log.push(`requestfailed: ${r.url().replace(/#.*/, '')} ${r.failure()?.errorText}`));
      page.on('response', (r) => log.push(`${r.status()} ${r.request().method()} ${r.url().replace(/#.*/, '')}`));
      pages.push({ page, log });
      // Fail on a missing element well before the test's own timeout, with the locator named.
      page.setDefaultTimeout(20_000);
      await page.goto(`${origin}/ui/${fragment}`);
      return page;
    },
    async afterTest(failed) {
      const open = pages.splice(0);
      for (const [i, { page, log }] of open.entries()) {
        if (page.isClosed()) continue;
        if (failed) {
          await page.screenshot({ path: join(ARTIFACTS, `failed-${i}.png`), fullPage: true }).catch(() => {});
          console.error(`page ${i} at ${page.url()}:\n${log.join('\n')}\n${(await page.content().catch(() => '')).slice(0, 2000)}`);
        }
        await page.context().close().catch(() => {});
      }
    },
    async close() {
      await browser.close();
      if (serve.exitCode === null) {
        const exited = new Promise((resolve) => serve.once('exit', resolve));
        serve.kill('SIGTERM');
        await exited;
      }
      await emu.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Both colour schemes of what the page shows now, into test/artifacts/. */
export async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${scheme}.png`), fullPage: true });
  }
}
