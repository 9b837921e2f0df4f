import { describe, expect, it } from 'vitest';
import type { TrackResult } from '../../src-main/shared/usage.js';
import { runKeyway } from '../support/cli.js';
import { fileStoreEnv, ok, useSocketServer } from '../support/mcp.js';

const CLI = { principal: 'owner', actor: 'cli' } as const;
/** openai gpt-4-turbo: $0.01 per 1k input tokens, so 10,000 tokens cost $0.10. */
const TEN_CENTS = { provider: 'openai', model: 'gpt-4-turbo', input_tokens: 10_000, output_tokens: 0 };

describe('track_request tells the caller when a budget is reached or exceeded', () => {
  const fixture = useSocketServer();

  it('warns from the alert threshold on, and every one of 100 concurrent tracks past the limit says so', async () => {
    await fixture.server.service.setBudget({ daily_limit: 1, monthly_limit: 100, alert_threshold: 0.8 }, CLI);
    for (let i = 0; i < 7; i++) expect((await ok<TrackResult>(fixture.client, 'track_request', TEN_CENTS)).warnings).toEqual([]);
    const atThreshold = await ok<TrackResult>(fixture.client, 'track_request', TEN_CENTS);
    expect(atThreshold.warnings).toEqual([expect.stringMatching(/^Daily budget at 80% \(alert threshold 80%\): \$0\.80 of \$1\.00 spent/)]);
    const burst = await Promise.all(Array.from({ length: 100 }, () => ok<TrackResult>(fixture.client, 'track_request', TEN_CENTS)));
    expect(burst.every((r) => r.warnings.some((w) => /^Daily budget (at|exceeded)/.test(w)))).toBe(true);
    expect(burst.filter((r) => r.warnings.some((w) => w.startsWith('Daily budget exceeded'))).length).toBeGreaterThanOrEqual(90);
    // Free local usage never counts against money budgets, so it carries no budget warning.
    expect((await ok<TrackResult>(fixture.client, 'track_request', { provider: 'local', model: 'llama3', input_tokens: 10, output_tokens: 0 })).warnings).toEqual([]);
  });

  it("names only the budgets that apply to the request's provider", async () => {
    await fixture.server.service.setBudget({ provider: 'anthropic', daily_limit: 0.01 }, CLI);
    await fixture.server.service.trackRequest({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', input_tokens: 10_000, output_tokens: 0 }, CLI);
    expect((await ok<TrackResult>(fixture.client, 'track_request', { ...TEN_CENTS, input_tokens: 100 })).warnings).toEqual([]);
    const anthropic = await ok<TrackResult>(fixture.client, 'track_request', { provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', input_tokens: 100, output_tokens: 0 });
    expect(anthropic.warnings).toEqual([expect.stringMatching(/^Daily anthropic budget exceeded/)]);
  });

  it('keyway track prints the warning, through the running service', async () => {
    await fixture.server.service.setBudget({ daily_limit: 0.05 }, CLI);
    const run = await runKeyway(['track', 'openai', '--model', 'gpt-4-turbo', '--input', '10000', '--output', '0'], { env: fileStoreEnv(fixture.server.service.dataDir) });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^warning: Daily budget exceeded: \$0\.10 of \$0\.05 spent/m);
  });
});
