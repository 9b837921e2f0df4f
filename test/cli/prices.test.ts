import { afterEach, describe, expect, it } from 'vitest';
import { runKeyway } from '../support/cli.js';
import { PriceDataServer, closedUrl } from '../support/price-data-server.js';
import { tempDir } from '../support/temp-dir.js';

const servers: PriceDataServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

function cli(dataDir: string, env: Record<string, string> = {}) {
  return (...args: string[]) => runKeyway(['--data-dir', dataDir, ...args], { env: { KEYWAY_TZ: 'UTC', KEYWAY_SECRET_STORE: 'file', ...env } });
}

describe('keyway prices', () => {
  it('lists a provider per 1M tokens with tiers, cache rates and each source, and the data date', async () => {
    const result = await cli(tempDir())('prices', 'anthropic');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Price data: genai-prices 0\.1\.8, bundled, data of 2026-09-23\. Overrides: .*prices\.json \(absent\)\. USD per 1M tokens\./);
    expect(result.stdout).toMatch(/^anthropic\s+claude-sonnet-4-5\s+\$3\s+\$15\s+\$0\.3 \/ \$3\.75 \/ 1h \$6\s+>200,000: \$6\/\$22\.5\s+catalog \(2026-09-23\)$/m);
    expect(result.stdout).toMatch(/^anthropic\s+claude-3-5-sonnet\s+\$3\s+\$15\s+.*seed$/m);
  });

  it('resolves one model id: the entry it is priced as, every dated price and its tiers', async () => {
    const keyway = cli(tempDir());
    const own = JSON.parse((await keyway('prices', 'openai/gpt-4o-2024-05-13', '--json')).stdout) as { models: Array<Record<string, unknown>> };
    expect(own.models[0]).toMatchObject({ model: 'gpt-4o-2024-05-13', priced_as: 'gpt-4o-2024-05-13', source: 'catalog', current: { rates: { input: 5, output: 15 } } });
    const human = await keyway('prices', 'anthropic/claude-opus-4-6-20260205');
    expect(human.stdout).toMatch(/^anthropic claude-opus-4-6-20260205 \(priced as claude-opus-4-6\): source catalog \(2026-09-23\)/);
    expect(human.stdout).toMatch(/^base: input \$5, output \$25/m);
    expect(human.stdout).toMatch(/^  above 200,000 input tokens: input \$10, output \$37\.5/m);
    expect(human.stdout).toMatch(/^from 2026-03-13 \(in force\): input \$5, output \$25, cache read \$0\.5, cache write \$6\.25, 1h cache write \$10$/m);
    const unknown = await keyway('prices', 'openai/gpt-imaginary');
    expect(unknown.stdout).toMatch(/unpriced/);
    expect(unknown.stderr).toMatch(/warning: No price is known for openai model "gpt-imaginary".*prices\.json/);
    expect((await keyway('prices', 'azure')).code).toBe(2);
  });

  it('update fetches newer data (the URL is a 127.0.0.1 host here), reports what changed, and prices with it', async () => {
    const host = await PriceDataServer.start();
    servers.push(host);
    const keyway = cli(tempDir(), { KEYWAY_PRICES_URL: host.url });
    const update = await keyway('prices', 'update');
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(/^Price data updated: update [0-9a-f]{12}, fetched \d{4}-\d{2}-\d{2} from http:\/\/127\.0\.0\.1/);
    expect(update.stdout).toMatch(/^ {2}changed openai\/gpt-4o: \$2\.5\/\$10 -> \$3\/\$10 per 1M in\/out$/m);
    expect(update.stdout).toMatch(/^ {2}added openai\/gpt-9 \$7\/\$21$/m);
    const estimate = JSON.parse((await keyway('estimate', 'openai', '--model', 'gpt-9', '--input', '1000000', '--json')).stdout) as Record<string, unknown>;
    expect(estimate).toMatchObject({ cost_usd: 7, price_source: 'catalog', price_version: expect.stringMatching(/^update /) });
    const again = await keyway('prices', 'update');
    expect(again.stdout).toMatch(/^Price data unchanged since the last update/);
  });

  it('update offline says so, exits 1 and keeps the bundled data', async () => {
    const keyway = cli(tempDir(), { KEYWAY_PRICES_URL: await closedUrl() });
    const update = await keyway('prices', 'update');
    expect(update.code).toBe(1);
    expect(update.stderr).toMatch(/Could not fetch price data from http:\/\/127\.0\.0\.1:\d+\/data\.json \(cannot connect; offline\?\); the price data in force \(genai-prices 0\.1\.8\) is kept/);
    expect((await keyway('prices', 'openai')).stdout).toMatch(/bundled, data of 2026-09-23/);
  });

  it('estimate and track say which entry, source and tier priced a request', async () => {
    const keyway = cli(tempDir());
    const estimate = await keyway('estimate', 'anthropic', '--model', 'claude-sonnet-4-5-20250929', '--input', '300000', '--output', '1000');
    expect(estimate.stdout).toMatch(
      /^anthropic claude-sonnet-4-5-20250929 \(priced as claude-sonnet-4-5\): 300000 in \/ 1000 out = \$1\.82 \(price from genai-prices 0\.1\.8, long-prompt tier above 200,000 input tokens\)$/m,
    );
    const tracked = JSON.parse((await keyway('track', 'anthropic', '--model', 'claude-sonnet-4-5', '--input', '1000', '--output', '0', '--cache-write', '1000', '--cache-write-1h', '400', '--json')).stdout) as Record<string, unknown>;
    // 600 5-minute writes at $3.75 + 400 1-hour writes at $6
    expect(tracked).toMatchObject({ cost_usd: 0.00465, cache_write_1h_tokens: 400, price_source: 'catalog', tier: null });
  });
});
