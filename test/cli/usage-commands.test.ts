import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKeyway } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

function cli(dataDir: string) {
  return (...args: string[]) => runKeyway(['--data-dir', dataDir, ...args], { env: { KEYWAY_TZ: 'UTC', KEYWAY_SECRET_STORE: 'file' } });
}

describe('keyway track / usage / estimate / budget', () => {
  it('tracks the seed example and shows it in usage with cost $0.0105', async () => {
    const keyway = cli(tempDir());
    const tracked = await keyway('track', 'anthropic', '--input', '1000', '--output', '500', '--model', 'claude-3-5-sonnet-20241022');
    expect(tracked).toMatchObject({ code: 0, stderr: '' });
    expect(tracked.stdout).toMatch(/Tracked #1: anthropic claude-3-5-sonnet-20241022 \(priced as claude-3-5-sonnet\), 1000 in \/ 500 out, \$0\.0105 \(price from genai-prices 0\.1\.8\)\./);
    const usage = await keyway('usage', '--provider', 'anthropic', '--json');
    expect(usage.code).toBe(0);
    const report = JSON.parse(usage.stdout) as { to_day: string; totals: { requests: number; cost_usd: number } };
    expect(report.totals).toMatchObject({ requests: 1, cost_usd: 0.0105 });
    const human = await keyway('usage');
    expect(human.stdout).toMatch(/anthropic\/claude-3-5-sonnet-20241022\s+1\s+0\s+1000\s+500\s+\$0\.0105/);
    expect(human.stdout).toMatch(new RegExp(`^${report.to_day}\\s+1\\s+0\\s+1000\\s+500\\s+\\$0\\.0105$`, 'm'));
  });

  it('lists the newest requests with usage recent (paged, failed ones marked) and spend per client with usage --by client', async () => {
    const keyway = cli(tempDir());
    await keyway('track', 'openai', '--input', '20000', '--output', '0', '--model', 'gpt-4-turbo', '--latency', '120');
    await keyway('track', 'anthropic', '--input', '1000', '--output', '500', '--model', 'claude-3-5-sonnet-20241022', '--failed');
    const json = await keyway('usage', 'recent', '--json');
    expect(json.code).toBe(0);
    const page = JSON.parse(json.stdout) as { requests: Array<{ provider: string; status: string; success: boolean; client: string; cost_usd: number }>; next_before: string | null };
    expect(page.requests.map((r) => [r.provider, r.status, r.success, r.client])).toEqual([
      ['anthropic', 'tracked', false, 'cli'],
      ['openai', 'tracked', true, 'cli'],
    ]);
    expect(page.next_before).toBeNull();
    const human = await keyway('usage', 'recent', '--limit', '1');
    expect(human.stdout).toMatch(/^TIME\s+CLIENT\s+PROJECT\s+MODEL\s+TOKENS\s+COST\s+LATENCY\s+TTFB\s+STATUS$/m);
    expect(human.stdout).toMatch(/anthropic\/claude-3-5-sonnet-20241022\s+1,000 in \/ 500 out\s+\$0\.0105\s+-\s+-\s+failed$/m);
    expect(human.stdout).toMatch(/^Older: keyway usage recent --before \d+\.\d+$/m);
    const older = await keyway('usage', 'recent', '--before', /--before (\S+)/.exec(human.stdout)![1]!);
    expect(older.stdout).toMatch(/openai\/gpt-4-turbo\s+20,000 in \/ 0 out\s+\$0\.20\s+120 ms\s+-\s+ok$/m);
    const byClient = await keyway('usage', '--by', 'client');
    expect(byClient.stdout).toMatch(/^CLIENT\s+REQUESTS\s+TODAY\s+THIS MONTH\ncli\s+2\s+\$0\.2105\s+\$0\.2105$/m);
    const tooMany = await keyway('usage', 'recent', '--limit', '501');
    expect(tooMany.code).not.toBe(0);
    expect(tooMany.stderr).toMatch(/limit must be at most 500/);
    const mixed = await keyway('usage', '--by', 'project', '--days', '3');
    expect(mixed.stderr).toMatch(/leave out --provider and --days/);
  });

  it('shows a model with no known price as unpriced in the usage table, never as $0', async () => {
    const keyway = cli(tempDir());
    await keyway('track', 'openai', '--input', '1000', '--output', '0', '--model', 'gpt-imaginary-9');
    await keyway('track', 'openai', '--input', '1000', '--output', '0', '--model', 'gpt-4');
    const human = (await keyway('usage')).stdout;
    expect(human).toMatch(/^openai\/gpt-imaginary-9\s+1\s+0\s+1000\s+0\s+unpriced$/m);
    expect(human).toMatch(/^total\s+2\s+0\s+2000\s+0\s+\$0\.03 \(\+1 unpriced\)$/m);
  });

  it('estimates the seed example: anthropic 5000 in / 2000 out is $0.045', async () => {
    const result = await cli(tempDir())('estimate', 'anthropic', '--input', '5000', '--output', '2000', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ provider: 'anthropic', model: 'claude-3-5-sonnet', cost_usd: 0.045 });
  });

  it('passes --cached and --cache-write through estimate and track, each billed at its own rate', async () => {
    const keyway = cli(tempDir());
    const cache = ['--input', '1000000', '--output', '0', '--cached', '300000', '--cache-write', '200000'];
    const estimate = await keyway('estimate', 'anthropic', ...cache, '--json');
    expect(JSON.parse(estimate.stdout)).toMatchObject({ cached_input_tokens: 300_000, cache_write_tokens: 200_000, cost_usd: 2.34 });
    const tracked = await keyway('track', 'anthropic', ...cache, '--json');
    expect(JSON.parse(tracked.stdout)).toMatchObject({ cached_input_tokens: 300_000, cache_write_tokens: 200_000, cost_usd: 2.34 });
  });

  it('counts a file with a real tokenizer and says whether the count is exact for the provider', async () => {
    const dir = tempDir();
    const file = join(dir, 'prompt.txt');
    writeFileSync(file, 'The quick brown fox jumps over the lazy dog.');
    const keyway = cli(dir);
    const openai = await keyway('estimate', 'openai', '--text', file, '--json');
    expect(openai.code).toBe(0);
    expect(JSON.parse(openai.stdout)).toMatchObject({ input_tokens: 10, token_count: { tokens: 10, exact: true, tokenizer: 'cl100k_base' } });
    const anthropic = await keyway('estimate', 'anthropic', '--text', file);
    expect(anthropic.stdout).toMatch(/Input tokens: 10 \(approximate: anthropic does not publish its tokenizer/);
  });

  it.each([
    ['negative tokens', ['track', 'openai', '--input', '-5', '--output', '1'], /input_tokens must be 0 or more/],
    ['fractional tokens', ['track', 'openai', '--input', '2.5', '--output', '1'], /input_tokens must be a whole number/],
    ['absurd token counts', ['track', 'google', '--input', '10000001', '--output', '1'], /over 10,000,000 tokens/],
  ])('refuses %s, exits non-zero and records nothing', async (_name, args, message) => {
    const dir = tempDir();
    const keyway = cli(dir);
    const result = await keyway(...args);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
    const usage = JSON.parse((await keyway('usage', '--json')).stdout) as { totals: { requests: number } };
    expect(usage.totals.requests).toBe(0);
  });

  it.each([
    ['an unknown provider', ['track', 'azure', '--input', '1', '--output', '1']],
    ['a non-numeric token count', ['track', 'openai', '--input', 'lots', '--output', '1']],
    ['a hexadecimal token count', ['track', 'openai', '--input', '0x10', '--output', '1']],
    ['an estimate without --input', ['estimate', 'anthropic', '--output', '2000']],
    ['an estimate with both --input and --text', ['estimate', 'openai', '--input', '5', '--text', 'x']],
  ])('rejects %s as a usage error (exit 2)', async (_name, args) => {
    const result = await cli(tempDir())(...args);
    expect(result.code).toBe(2);
    if (args[0] === 'estimate') expect(result.stderr).toMatch(/give exactly one of --input N or --text FILE/);
  });

  it('sets the budget, shows it, and reports an exceeded daily limit', async () => {
    const keyway = cli(tempDir());
    const set = await keyway('budget', 'set', '--daily', '0.01', '--monthly', '50', '--threshold', '0.5');
    expect(set.code).toBe(0);
    await keyway('track', 'openai', '--input', '2000', '--output', '0');
    const status = JSON.parse((await keyway('budget', '--json')).stdout) as { status: string; periods: Array<{ period: string; limit_usd: number; spent_usd: number }> };
    expect(status.status).toBe('exceeded');
    expect(status.periods[0]).toMatchObject({ period: 'daily', limit_usd: 0.01, spent_usd: 0.02 });
    expect(status.periods[1]).toMatchObject({ period: 'monthly', limit_usd: 50 });
    const human = await keyway('budget');
    expect(human.stdout).toMatch(/Budget: EXCEEDED/);
    expect(human.stdout).toMatch(/! Daily budget exceeded: \$0\.02 of \$0\.01/);
    const audit = await keyway('audit', '--json');
    expect((JSON.parse(audit.stdout) as { entries: Array<{ action: string }> }).entries.map((e) => e.action)).toEqual(['budget.set', 'budget.alert', 'budget.alert']);
  });

  it.each([
    ['a threshold given as a percentage', ['--threshold', '80'], /Invalid input. alert_threshold must be at most 1/],
    ['a limit for local (Ollama), which never counts', ['--provider', 'local', '--daily', '1'], /local \(Ollama\) usage is free and never counts against money budgets/],
  ])('refuses a budget with %s, naming the problem, and leaves the config alone', async (_name, args, message) => {
    const dir = tempDir();
    const keyway = cli(dir);
    const result = await keyway('budget', 'set', ...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    const status = JSON.parse((await keyway('budget', '--json')).stdout) as { alert_threshold: number; periods: unknown[] };
    expect(status).toMatchObject({ alert_threshold: 0.8 });
    expect(status.periods).toHaveLength(2);
  });

  it('exports records as CSV to an owner-only file and as JSON on stdout', async () => {
    const dir = tempDir();
    const keyway = cli(dir);
    await keyway('track', 'openai', '--input', '1000', '--output', '100', '--model', 'gpt-4', '--latency', '250', '--task', 'analysis');
    await keyway('track', 'local', '--input', '10', '--output', '10', '--failed');
    const out = join(dir, 'usage.csv');
    const exported = await keyway('usage', 'export', '--format', 'csv', '--output', out);
    expect(exported.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,time,provider,model,input_tokens,output_tokens,cached_input_tokens,cache_write_tokens,cost_usd,success,latency_ms,task_type,key_label,client,priced_as,price_source,price_version,project,route,status,ttfb_ms,reasoning_tokens');
    expect(lines[1]).toMatch(/^1,[^,]+,openai,gpt-4,1000,100,0,0,0\.036,true,250,analysis,,cli,gpt-4,seed,seed,,,,,0$/);
    expect(lines[2]).toMatch(/^2,[^,]+,local,llama2,10,10,0,0,0,false,,,,cli,llama2,local,local,,,,,0$/);
    const json = await keyway('usage', 'export', '--format', 'json', '--provider', 'local');
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: 2, provider: 'local', success: false })]);
  });

  it('makes an existing export file owner-only and explains an --output it cannot write', async () => {
    const dir = tempDir();
    const keyway = cli(dir);
    const existing = join(dir, 'old.csv');
    writeFileSync(existing, 'stale', { mode: 0o644 });
    expect((await keyway('usage', 'export', '--output', existing)).code).toBe(0);
    expect(statSync(existing).mode & 0o777).toBe(0o600);
    expect(readFileSync(existing, 'utf8')).toMatch(/^id,time,provider/);
    const missing = join(dir, 'no-such-folder', 'usage.csv');
    const failed = await keyway('usage', 'export', '--output', missing);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`Cannot write --output file ${missing} (ENOENT). Check that its folder exists`);
  });
});
