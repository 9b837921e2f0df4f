import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatUsd, formatUsdCents } from '../../src-main/shared/format.js';
import { shoot, startServedUi, type ServedUi } from '../support/served-ui.js';

/**
 * The Activity, Tokens and Overview views in a real Chromium against a real `keyway serve` whose
 * gateway forwards to the provider emulators. Requests go through the gateway with the official
 * OpenAI SDK; the page must show them by itself (no reload).
 */
let ui: ServedUi;

beforeAll(async () => {
  ui = await startServedUi();
  await ui.api('keys.add', { provider: 'openai', api_key: ui.emu.openai.key });
}, 60_000);

afterAll(async () => {
  await ui?.close();
});

afterEach(async ({ task }) => {
  await ui.afterTest(task.result?.state === 'fail');
  ui.emu.openai.cutAfterChunks = null;
  ui.emu.openai.chunkDelayMs = 0;
  ui.emu.openai.extras = { cache_read: 0, cache_write: 0, reasoning: 0 };
});

const sdk = (token: string): OpenAI => new OpenAI({ apiKey: token, baseURL: `${ui.origin}/openai/v1`, maxRetries: 0 });
// About 6,000 prompt tokens: cents, not fractions of one, so the Overview's figures say something.
const LONG_PROMPT = 'Summarise this please. '.repeat(1500);

async function gatewayToken(name: string, scope: { max_spend_usd?: number; project?: string } = {}): Promise<string> {
  return (await ui.api('tokens.create', { kind: 'gateway', name, scope: { providers: ['openai'], ...scope } })).token;
}

// Generous limits: the machines running this are shared and busy; nothing here asserts speed.
describe('Tokens view', { timeout: 60_000 }, () => {
  it('creates a scoped gateway token, shows it once with a copy button, lists it, and revokes it only after confirmation', async () => {
    const page = await ui.openPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ui.origin });
    await page.getByRole('tab', { name: 'Tokens' }).click();
    await page.getByLabel('Kind').selectOption('gateway');
    await page.getByLabel('Name').fill('e2e-gui-token');
    await page.getByRole('checkbox', { name: 'openai' }).check();
    await page.getByLabel('Max spend (USD)').fill('2.5');
    await page.getByLabel('Project').fill('apollo');
    await page.getByLabel('Expires after').selectOption({ label: '30 days' });
    await page.getByRole('button', { name: 'Create token' }).click();

    const shown = page.getByLabel('Token to copy');
    await shown.waitFor();
    const plaintext = await shown.inputValue();
    expect(plaintext).toMatch(/^kw_gateway_[A-Za-z0-9_-]{43}$/);
    await page.getByText("Copy it now: you won't see it again.").waitFor();
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(plaintext);

    const row = page.getByTestId('token-e2e-gui-token');
    await row.waitFor();
    expect(await row.getByLabel('scope').textContent()).toContain('providers openai · max spend $2.50 · project apollo');
    await row.getByText('active', { exact: true }).waitFor();
    const listed = (await ui.api('tokens.list', {})).tokens.find((t) => t.name === 'e2e-gui-token')!;
    expect(listed).toMatchObject({ kind: 'gateway', scope: { providers: ['openai'], max_spend_usd: 2.5, project: 'apollo' }, revoked_at: null });
    expect(Date.parse(listed.expires_at!) - Date.parse(listed.created_at)).toBe(30 * 86_400_000);
    await shoot(page, 'tokens-created');

    await page.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(plaintext);

    // The token works at the gateway until it is revoked.
    await sdk(plaintext).chat.completions.create({ model: 'gpt-4-turbo', messages: [{ role: 'user', content: 'Hi' }] });

    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('group', { name: 'Confirm revoking e2e-gui-token' }).getByText('Programs using it are refused at once.').waitFor();
    await row.getByRole('button', { name: 'Cancel' }).click();
    await row.getByText('active', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.getByText('revoked', { exact: true }).waitFor();
    expect((await ui.api('tokens.list', {})).tokens.find((t) => t.name === 'e2e-gui-token')?.revoked_at).not.toBeNull();
    await expect(sdk(plaintext).chat.completions.create({ model: 'gpt-4-turbo', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ status: 401 });
  });

  it("warns before revoking the dashboard's own token, and a bad name is refused with the schema's message", async () => {
    const page = await ui.openPage();
    await page.getByRole('tab', { name: 'Tokens' }).click();
    const own = page.getByTestId('token-dashboard');
    await own.getByRole('button', { name: 'Revoke' }).click();
    await own.getByText(/This token opens this dashboard: revoking it signs this window out/).waitFor();
    await own.getByRole('button', { name: 'Cancel' }).click();
    await own.getByText('active', { exact: true }).waitFor();

    await page.getByLabel('Name').fill('-starts with a dash');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('alert').filter({ hasText: /name must be 1-64 letters/ }).waitFor();
    expect(await page.getByLabel('Token to copy').count()).toBe(0);
    const unlabeled = await page.evaluate("[...document.querySelectorAll('input, select')].filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).length");
    expect(unlabeled).toBe(0);
  });
});

describe('Activity view', { timeout: 90_000 }, () => {
  it('shows gateway requests live, with tokens, cost, latency and first byte, and marks failed, cut, client-closed and refused ones in words', async () => {
    const live = await gatewayToken('agent-live', { project: 'apollo' });
    const capped = await gatewayToken('agent-capped', { max_spend_usd: 0.0001, project: 'zephyr' });
    const page = await ui.openPage();
    await page.getByRole('tab', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Recent requests' }).waitFor();
    await page.evaluate("window.__samePage = 'yes'");
    const feed = page.getByRole('list', { name: 'Recent requests' });
    const rowOf = (client: string, status: string) => feed.getByRole('listitem').filter({ hasText: client }).and(page.locator(`[data-status="${status}"]`));

    ui.emu.openai.extras = { cache_read: 1000, cache_write: 0, reasoning: 7 };
    const answer = await sdk(live).chat.completions.create({ model: 'gpt-4-turbo', max_tokens: 50, messages: [{ role: 'user', content: LONG_PROMPT }] });
    const ok = rowOf('agent-live', 'ok');
    await ok.waitFor();
    const prompt = answer.usage!.prompt_tokens;
    const completion = answer.usage!.completion_tokens;
    expect(prompt).toBeGreaterThan(5000);
    expect(await ok.getByLabel('tokens').textContent()).toBe(`${prompt.toLocaleString('en-US')} in / ${completion} out (1,000 cache read, 7 reasoning)`);
    const recorded = (await ui.api('usage.recent', { client: 'agent-live' })).requests[0]!;
    expect(recorded).toMatchObject({ status: 'ok', project: 'apollo', input_tokens: prompt, output_tokens: completion, cached_input_tokens: 1000, reasoning_tokens: 7 });
    expect(recorded.cost_usd).toBeGreaterThan(0.01);
    expect(recorded.ttfb_ms).not.toBeNull();
    expect(await ok.getByLabel('cost').textContent()).toBe(formatUsd(recorded.cost_usd));
    expect(await ok.getByLabel('project').textContent()).toBe('apollo');
    expect(await ok.textContent()).toMatch(/latency [\d,]+ ms · first byte [\d,]+ ms/);
    await ok.getByText('ok', { exact: true }).waitFor();

    // Over its cap: refused before the provider sees it, and shown as refused with the reason.
    const seenByEmulator = ui.emu.openai.requests.length;
    await expect(sdk(capped).chat.completions.create({ model: 'gpt-4-turbo', max_tokens: 1000, messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ status: 429 });
    expect(ui.emu.openai.requests.length).toBe(seenByEmulator);
    const refused = rowOf('agent-capped', 'refused');
    await refused.waitFor();
    await refused.getByText('refused', { exact: true }).waitFor();
    await refused.getByText(/spend cap of \$0\.0001/).waitFor();
    expect(await refused.getByLabel('tokens').textContent()).toBe('0 in / 0 out');

    // The provider fails: marked failed.
    ui.emu.openai.failNext('server_error', 1);
    await expect(sdk(live).chat.completions.create({ model: 'gpt-4-turbo', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ status: 500 });
    await rowOf('agent-live', 'upstream_error').getByText('failed: provider error', { exact: true }).waitFor();

    // The upstream stream breaks mid-way: marked cut.
    ui.emu.openai.cutAfterChunks = 2;
    const stream = await sdk(live).chat.completions.create({ model: 'gpt-4-turbo', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          // read until the cut
        }
      })(),
    ).rejects.toThrow();
    await rowOf('agent-live', 'cut').getByText('cut: stream broke', { exact: true }).waitFor();

    // The client goes away mid-stream: marked client closed.
    ui.emu.openai.cutAfterChunks = null;
    ui.emu.openai.chunkDelayMs = 300;
    const controller = new AbortController();
    const slow = await sdk(live).chat.completions.create({ model: 'gpt-4-turbo', stream: true, messages: [{ role: 'user', content: 'Hi' }] }, { signal: controller.signal });
    try {
      for await (const _chunk of slow) controller.abort();
    } catch {
      // The SDK may end the iteration or throw its abort error: either way the connection is gone.
    }
    await rowOf('agent-live', 'client_closed').getByText('client closed', { exact: true }).waitFor();

    expect(await page.evaluate('window.__samePage')).toBe('yes');
    const unlabeled = await page.evaluate("[...document.querySelectorAll('input, select')].filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).length");
    expect(unlabeled).toBe(0);
    await shoot(page, 'activity');

    // Filters narrow the feed to one client.
    await page.getByRole('combobox', { name: 'Client' }).selectOption('agent-capped');
    await expect.poll(() => feed.getByRole('listitem').count()).toBe(1);
    await page.getByRole('combobox', { name: 'Client' }).selectOption('');
    await expect.poll(() => feed.getByRole('listitem').count()).toBeGreaterThanOrEqual(5);

    // The key access log: per day, key and client (the refusal used no key, so it is not there).
    const access = page.getByRole('table', { name: /Key access/ });
    const accessRow = access.getByRole('row').filter({ hasText: 'agent-live' });
    await accessRow.getByRole('cell', { name: 'openai/default' }).waitFor();
    expect(await accessRow.getByRole('cell').nth(3).textContent()).toBe('4');
    expect(await accessRow.getByRole('cell').nth(4).textContent()).toBe('3');
    expect(await access.getByRole('row').filter({ hasText: 'agent-capped' }).count()).toBe(0);

    // Refusals are not provider failures and not spend.
    const feedNow = (await ui.api('usage.recent', { provider: 'openai', limit: 500 })).requests;
    const forwarded = feedNow.filter((r) => r.status !== 'refused');
    expect(feedNow.length - forwarded.length).toBe(1);
    const stats = (await ui.api('providers.stats', { provider: 'openai' })).providers[0]!;
    expect(stats).toMatchObject({ requests: forwarded.length, failures: forwarded.filter((r) => !r.success).length });
    expect((await ui.api('usage.get', { provider: 'openai' })).totals.requests).toBe(forwarded.length);
  });
});

describe('Activity view, long feeds', { timeout: 60_000 }, () => {
  it('shows the newest 50 and more on request', async () => {
    const page = await ui.openPage();
    await page.getByRole('tab', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Recent requests' }).waitFor();
    for (let i = 0; i < 60; i++) await ui.api('usage.track', { provider: 'google', input_tokens: i, output_tokens: 1, client: 'bulk-script' });
    const feed = page.getByRole('list', { name: 'Recent requests' });
    await feed.getByRole('listitem').filter({ hasText: '59 in / 1 out' }).waitFor();
    await expect.poll(() => feed.getByRole('listitem').count()).toBe(50);
    await page.getByRole('button', { name: 'Show older' }).click();
    await feed.getByRole('listitem').filter({ hasText: /\b0 in \/ 1 out/ }).first().waitFor();
    expect(await feed.getByRole('listitem').count()).toBeGreaterThan(60);
  });
});

describe('Overview', { timeout: 60_000 }, () => {
  it('shows spend per client and per project, today and this month, updating live', async () => {
    const page = await ui.openPage();
    const byClient = page.getByRole('table', { name: 'Spend by client' });
    await byClient.or(page.getByText('No paid requests this month.').first()).first().waitFor();
    const token = await gatewayToken('agent-overview', { project: 'hermes' });
    await sdk(token).chat.completions.create({ model: 'gpt-4-turbo', max_tokens: 20, messages: [{ role: 'user', content: LONG_PROMPT }] });

    const row = byClient.getByRole('row').filter({ hasText: 'agent-overview' });
    await row.waitFor();
    const snapshot = await ui.api('dashboard.get', {});
    const spend = snapshot.spend_by_client.find((c) => c.name === 'agent-overview')!;
    expect(spend.requests).toBe(1);
    expect(spend.month_usd).toBeGreaterThan(0.01);
    expect(spend.today_usd).toBe(spend.month_usd);
    expect(await row.getByRole('cell').nth(1).textContent()).toBe(formatUsdCents(spend.today_usd));
    expect(await row.getByRole('cell').nth(2).textContent()).toBe(formatUsdCents(spend.month_usd));

    const project = page.getByRole('table', { name: 'Spend by project' }).getByRole('row').filter({ hasText: 'hermes' });
    await project.waitFor();
    expect(await project.getByRole('cell').nth(2).textContent()).toBe(formatUsdCents(spend.month_usd));
    // Clients are ordered by this month's spend, the biggest first.
    const months = snapshot.spend_by_client.map((c) => c.month_usd);
    expect(months).toEqual([...months].sort((a, b) => b - a));
    await shoot(page, 'overview-by-client');
  });
});
