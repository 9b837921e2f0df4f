import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../emulators/index.js';
import { canaryCore } from '../support/canary.js';
import { runKeyway } from '../support/cli.js';
import { fileStoreEnv, httpClient, ok } from '../support/mcp.js';
import { shoot, startServedUi, type ServedUi } from '../support/served-ui.js';

/**
 * The dashboard in a real Chromium against a real `keyway serve` (spawned from the built binary,
 * file secret store, temp data dir) whose providers are the emulators. Usage is tracked over MCP
 * (Streamable HTTP) and the page must update by itself. Screenshots go to test/artifacts/.
 */
let ui: ServedUi;
let emu: Emulators;
let dataDir: string;
let origin: string;
let token: string;
let mcp: Client;

beforeAll(async () => {
  ui = await startServedUi();
  ({ emu, dataDir, origin, token } = ui);
  const editor = await runKeyway(['tokens', 'create', '--kind', 'editor', '--name', 'e2e-editor', '--json'], { env: fileStoreEnv(dataDir) });
  mcp = await httpClient(`${origin}/mcp`, (JSON.parse(editor.stdout) as { token: string }).token, 'e2e-editor');
}, 60_000);

afterAll(async () => {
  await mcp?.close();
  await ui?.close();
});

// On a failure, keep what the browser saw: a screenshot per open page and its console and network errors.
afterEach(async ({ task }) => {
  await ui.afterTest(task.result?.state === 'fail');
});

function openDashboard(colorScheme: 'light' | 'dark' = 'light', fragment = `#token=${token}`): Promise<Page> {
  return ui.openPage({ colorScheme, fragment });
}

const spendLevel = (page: Page) => page.getByTestId('spend-today').getAttribute('data-level');
const chartTotal = async (page: Page) => Number(await page.getByTestId('cost-chart').getAttribute('data-total'));

// Generous limits: the machines running this are shared and busy; nothing here asserts speed.
describe('dashboard end to end', { timeout: 60_000 }, () => {
  it('shows the login screen, not data, for a wrong or missing token', async () => {
    const wrong = await openDashboard('light', '#token=not-the-token-at-all');
    await wrong.getByRole('alert').filter({ hasText: 'That token was not accepted' }).waitFor();
    expect(await wrong.getByLabel('Access token').isVisible()).toBe(true);
    expect(await wrong.content()).not.toMatch(/spent|\$10\.00|anthropic/);
    await shoot(wrong, 'login');
    const none = await openDashboard('light', '');
    await none.getByLabel('Access token').waitFor();
    expect(await none.getByRole('tab').count()).toBe(0);
    await none.getByLabel('Access token').fill(token);
    await none.getByRole('button', { name: 'Continue' }).click();
    await none.getByRole('tab', { name: 'Overview' }).waitFor();
    await wrong.context().close();
    await none.context().close();
  });

  it('moves the token from the URL into session storage', async () => {
    const page = await openDashboard();
    await page.getByTestId('spend-today').waitFor();
    expect(page.url()).toBe(`${origin}/ui/`);
    expect(await page.evaluate("sessionStorage.getItem('keyway.token')")).toBe(token);
    await page.context().close();
  });

  it('adds a key in the GUI: format errors inline before submit, then only the masked key', async () => {
    const page = await openDashboard();
    await page.getByRole('tab', { name: 'Keys' }).click();
    await page.getByLabel('Provider').selectOption('anthropic');
    const secretField = page.getByLabel('API key');
    await secretField.fill('sk-proj-wrong-provider');
    await page.getByRole('button', { name: 'Add key' }).click();
    await page.getByText('Anthropic keys start with "sk-ant-"').waitFor();
    expect(emu.anthropic.requests).toHaveLength(0);
    await page.getByText('No keys yet').waitFor();

    await secretField.fill(emu.anthropic.key);
    expect(await secretField.getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Add key' }).click();
    const row = page.getByTestId('key-anthropic-default');
    await row.waitFor();
    expect(await row.getByLabel('masked key').textContent()).toBe(`sk-ant-...${emu.anthropic.key.slice(-4)}`);
    expect(await secretField.inputValue()).toBe('');
    expect(await page.content()).not.toContain(canaryCore(emu.anthropic.key));

    await row.getByRole('button', { name: 'Validate' }).click();
    await row.getByText(/^OK: /).waitFor();
    await row.getByText('valid', { exact: true }).waitFor();
    await shoot(page, 'keys');
    await page.context().close();
  });

  it('rotates a key and removes one only after confirmation', async () => {
    const page = await openDashboard();
    await page.getByRole('tab', { name: 'Keys' }).click();
    await page.getByLabel('Provider').selectOption('openai');
    await page.getByLabel('Label').fill('scratch');
    await page.getByLabel('API key').fill(emu.openai.key);
    await page.getByRole('button', { name: 'Add key' }).click();
    const row = page.getByTestId('key-openai-scratch');
    await row.waitFor();

    await row.getByRole('button', { name: 'Rotate' }).click();
    const replacement = emu.openai.key.replace(/.{4}$/, 'WXYZ');
    await row.getByLabel('API key').fill(replacement);
    await row.getByRole('button', { name: 'Rotate' }).click();
    await row.getByText('Rotated.').waitFor();
    await expect.poll(() => row.getByLabel('masked key').textContent()).toBe('sk-...WXYZ');

    await row.getByRole('button', { name: 'Remove' }).click();
    await row.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.isVisible()).toBe(true);
    await row.getByRole('button', { name: 'Remove' }).click();
    await row.getByRole('button', { name: 'Yes, remove' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(canaryCore(emu.openai.key));
    await page.context().close();
  });

  it('updates the spend bar and chart live as usage is tracked over MCP, then alerts at the threshold and past the limit', async () => {
    const page = await openDashboard();
    await page.getByTestId('spend-today').waitFor();
    expect(await chartTotal(page)).toBe(0);

    const first = await ok<{ cost_usd: number }>(mcp, 'track_request', { provider: 'openai', model: 'gpt-4-turbo', input_tokens: 20_000, output_tokens: 5_000 });
    const cost = first.cost_usd;
    expect(cost).toBeGreaterThan(0);
    await expect.poll(() => chartTotal(page), { timeout: 20_000 }).toBeCloseTo(cost, 5);
    await page.getByTestId('top-models').getByText('gpt-4-turbo').waitFor();

    // Set the daily limit in the GUI so that 4 such requests pass the 80% threshold and 5 exceed it.
    await page.getByRole('tab', { name: 'Budget & settings' }).click();
    await page.getByLabel('Daily limit (USD)').first().fill(String(cost * 4.5));
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await shoot(page, 'budget');
    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.getByTestId('spend-today').waitFor();
    expect(await spendLevel(page)).toBe('ok');

    for (let i = 0; i < 3; i++) await ok(mcp, 'track_request', { provider: 'openai', model: 'gpt-4-turbo', input_tokens: 20_000, output_tokens: 5_000 });
    await expect.poll(() => spendLevel(page), { timeout: 20_000 }).toBe('warning');
    await page.getByRole('alert').filter({ hasText: /daily/i }).first().waitFor();
    expect(await chartTotal(page)).toBeCloseTo(cost * 4, 5);
    await shoot(page, 'overview-warning');

    await ok(mcp, 'track_request', { provider: 'openai', model: 'gpt-4-turbo', input_tokens: 20_000, output_tokens: 5_000 });
    await expect.poll(() => spendLevel(page), { timeout: 20_000 }).toBe('exceeded');
    expect(await page.locator('.alert').first().getAttribute('class')).toContain('alert-budget_exceeded');
    await shoot(page, 'overview');
    await page.context().close();
  });

  it('shows providers with health from the emulators and the routing table', async () => {
    const page = await openDashboard();
    await page.getByRole('tab', { name: 'Providers' }).click();
    await page.getByTestId('provider-list').waitFor();
    for (const provider of ['anthropic', 'openai', 'google', 'local']) await page.getByTestId(`prov-${provider}`).waitFor();
    expect(await page.getByTestId('routing-table').textContent()).toContain('code_generation');
    // The price of each routed model (per 1M in / out) and the date of the price data in force.
    await page.getByTestId('price-data').getByText('genai-prices 0.1.8, bundled data of 2026-09-23').waitFor();
    const cells = await page.locator('[data-testid^="route-price-"]').allTextContents();
    expect(cells.some((c) => /^\$[\d.]+ \/ \$[\d.]+/.test(c)), cells.join(' | ')).toBe(true);
    await page.getByTestId('prov-google').getByLabel('Enabled').uncheck();
    await page.getByTestId('prov-google').getByText('Saved.').waitFor();
    expect(JSON.parse(readFileSync(join(dataDir, 'routing_config.json'), 'utf8')).providers.google.enabled).toBe(false);
    await shoot(page, 'providers');
  });

  it('edits the routing table and the fallback order, writing routing_config.json', async () => {
    const page = await openDashboard();
    await page.getByRole('tab', { name: 'Providers' }).click();
    const routing = page.getByTestId('routing-table');
    await routing.waitFor();
    await routing.getByLabel('Provider for chat').selectOption('local');
    await page.getByText('Saved chat → local.').waitFor();
    const order = (): string[] => JSON.parse(readFileSync(join(dataDir, 'routing_config.json'), 'utf8')).fallback_order as string[];
    const before = order();
    await page.getByRole('button', { name: `Move ${before[1]} up` }).click();
    await page.getByText('Saved the fallback order.').waitFor();
    await page.getByTestId('fallback-order').locator('li').first().getByText(before[1]!).waitFor();
    const config = JSON.parse(readFileSync(join(dataDir, 'routing_config.json'), 'utf8')) as { routing: Record<string, string>; fallback_order: string[] };
    expect(config.routing.chat).toBe('local');
    expect(config.fallback_order).toEqual([before[1], before[0], ...before.slice(2)]);
    await shoot(page, 'routing');
    await page.context().close();
  });

  it('is keyboard reachable: every control has a label and tabs move between views', async () => {
    const page = await openDashboard();
    await page.getByRole('tab', { name: 'Overview' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('heading', { name: 'Recent requests' }).waitFor();
    expect(await page.evaluate('document.activeElement.id')).toBe('tab-activity');
    await page.keyboard.press('ArrowRight');
    await page.getByRole('heading', { name: 'Add a key' }).waitFor();
    expect(await page.evaluate('document.activeElement.id')).toBe('tab-keys');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('add-provider');
    const unlabeled = await page.evaluate("[...document.querySelectorAll('input, select')].filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).length");
    expect(unlabeled).toBe(0);
    await page.context().close();
  });
});
