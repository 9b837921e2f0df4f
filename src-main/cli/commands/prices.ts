import { InvalidArgumentError, type Command } from 'commander';
import type { ModelPriceView, PriceDataInfo, PriceListing, PricePeriod, PriceUpdateResult, TokenRates } from '../../shared/prices.js';
import { PROVIDER_IDS, isProviderId, type ProviderId } from '../../shared/providers.js';
import type { CliIo } from '../io.js';
import { table } from '../table.js';

/** `openai` or `openai/gpt-4o` (a model id may itself contain a slash: `google/models/gemini-pro`). */
function priceTarget(value: string): { provider: ProviderId; model?: string } {
  const slash = value.indexOf('/');
  const provider = slash < 0 ? value : value.slice(0, slash);
  if (!isProviderId(provider)) throw new InvalidArgumentError(`provider must be one of ${PROVIDER_IDS.join(', ')} (optionally /model)`);
  const model = slash < 0 ? undefined : value.slice(slash + 1);
  if (model === '') throw new InvalidArgumentError('give a model after the slash, e.g. openai/gpt-4o');
  return model === undefined ? { provider } : { provider, model };
}

export function registerPricesCommands(program: Command, io: CliIo): void {
  const prices = program
    .command('prices')
    .description('show model prices per 1M tokens: tiers, cache rates and where each comes from')
    .argument('[provider[/model]]', `${PROVIDER_IDS.join(' | ')}, optionally /model to resolve one model id`, priceTarget)
    .addHelpText('after', '\nExamples:\n  keyway prices anthropic\n  keyway prices openai/gpt-4o-2024-05-13\n  keyway prices update')
    .action(async (target: { provider: ProviderId; model?: string } | undefined) => {
      const api = await io.api();
      const listing = await api.listPrices(target ?? {});
      for (const warning of listing.warnings) io.err(`warning: ${warning}`);
      io.print(listing, (l) => (target?.model ? formatModel(l) : formatListing(l)));
    });

  prices
    .command('update')
    .description('fetch newer price data (@pydantic/genai-prices), validate it and keep it in the data dir')
    .action(async () => {
      const api = await io.api();
      const result = await api.updatePrices();
      io.print(result, formatUpdate);
    });
}

const usd = (n: number): string => `$${Number(n.toFixed(6))}`;

function dataLine(d: PriceDataInfo): string {
  return d.kind === 'bundled' ? `${d.version}, bundled, data of ${d.date}` : `${d.version}, fetched ${d.date} from ${d.url ?? 'the data URL'}`;
}

function sourceText(v: ModelPriceView, l: PriceListing): string {
  if (v.source === 'catalog') return `catalog (${l.data.date})`;
  if (v.source === 'override') return 'prices.json';
  return v.source ?? 'unpriced';
}

function cacheText(r: TokenRates): string {
  const write1h = r.cache_write_1h !== r.cache_write ? ` / 1h ${usd(r.cache_write_1h)}` : '';
  return `${usd(r.cache_read)} / ${usd(r.cache_write)}${write1h}`;
}

function tiersText(p: PricePeriod): string {
  return p.tiers.map((t) => `>${t.above_input_tokens.toLocaleString('en-US')}: ${usd(t.input)}/${usd(t.output)}`).join('; ');
}

function formatListing(l: PriceListing): string {
  const rows = l.models.map((v) => {
    const p = v.current!;
    return [v.provider, v.model, usd(p.rates.input), usd(p.rates.output), cacheText(p.rates), tiersText(p), sourceText(v, l)];
  });
  return [
    `Price data: ${dataLine(l.data)}. Overrides: ${l.overrides.path} (${l.overrides.state}). USD per 1M tokens.`,
    table(['provider', 'model', 'input', 'output', 'cache read / write', 'tiers (in/out)', 'source'], rows),
  ].join('\n');
}

function formatModel(l: PriceListing): string {
  const v = l.models[0]!;
  if (v.source === null || v.current === null) return `${v.provider} ${v.model}: unpriced (no known price; see the warning).`;
  const as = v.priced_as && v.priced_as !== v.model ? ` (priced as ${v.priced_as})` : '';
  const lines = [`${v.provider} ${v.model}${as}: source ${sourceText(v, l)}, ${v.price_version ?? ''}. USD per 1M tokens.`];
  for (const p of v.periods) {
    const current = p.from === v.current.from ? ' (in force)' : '';
    lines.push(`${p.from ? `from ${p.from}` : 'base'}${current}: input ${usd(p.rates.input)}, output ${usd(p.rates.output)}, cache read ${usd(p.rates.cache_read)}, cache write ${usd(p.rates.cache_write)}, 1h cache write ${usd(p.rates.cache_write_1h)}`);
    for (const t of p.tiers) {
      lines.push(`  above ${t.above_input_tokens.toLocaleString('en-US')} input tokens: input ${usd(t.input)}, output ${usd(t.output)}, cache read ${usd(t.cache_read)}, cache write ${usd(t.cache_write)}, 1h cache write ${usd(t.cache_write_1h)}`);
    }
  }
  return lines.join('\n');
}

function formatUpdate(r: PriceUpdateResult): string {
  const head = r.updated ? `Price data updated: ${dataLine(r.after)} (was ${dataLine(r.before)}); kept in ${r.path}.` : `Price data unchanged since the last update (${dataLine(r.after)}).`;
  const rates = (x: TokenRates | null): string => (x ? `${usd(x.input)}/${usd(x.output)}` : '-');
  const lines = r.changes.map((c) =>
    c.change === 'changed' ? `  changed ${c.provider}/${c.model}: ${rates(c.before)} -> ${rates(c.after)} per 1M in/out` : `  ${c.change} ${c.provider}/${c.model}${c.after ? ` ${rates(c.after)}` : ''}`,
  );
  return [head, lines.length > 0 ? `${lines.length} Anthropic/OpenAI/Google price(s) changed:` : 'No Anthropic, OpenAI or Google price changed.', ...lines].join('\n');
}
