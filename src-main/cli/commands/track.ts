import type { Command } from 'commander';
import type { ProviderId } from '../../shared/providers.js';
import { formatUsd } from '../../core/usage/money.js';
import type { CliIo } from '../io.js';
import { providerArgument } from '../provider-argument.js';
import { priceSourceText } from '../price-source-text.js';
import { numberOption } from '../number-option.js';
import { addCacheOptions, cacheFields, type CacheOptions } from '../cache-options.js';

const CLI = { actor: 'cli' } as const;

interface TrackOptions extends CacheOptions {
  input: number;
  output: number;
  model?: string;
  failed?: boolean;
  latency?: number;
  task?: string;
}

export function registerTrackCommand(program: Command, io: CliIo): void {
  const command = program
    .command('track')
    .description('record one API request in the usage ledger (its cost is computed from current prices)')
    .addArgument(providerArgument())
    .requiredOption('--input <n>', 'input (prompt) tokens', numberOption)
    .requiredOption('--output <n>', 'output (completion) tokens', numberOption)
    .option('--model <model>', 'model id (default: the provider default, priced at the seed rate)');
  addCacheOptions(command)
    .option('--latency <ms>', 'request latency in milliseconds', numberOption)
    .option('--task <type>', 'task type, e.g. code_generation')
    .option('--failed', 'the request failed')
    .addHelpText('after', '\nExample:\n  keyway track anthropic --input 1000 --output 500 --model claude-3-5-sonnet-20241022')
    .action(async (provider: ProviderId, options: TrackOptions) => {
      const api = await io.api();
      const result = await api.trackRequest(
        {
          provider,
          input_tokens: options.input,
          output_tokens: options.output,
          success: !options.failed,
          ...(options.model === undefined ? {} : { model: options.model }),
          ...cacheFields(options),
          ...(options.latency === undefined ? {} : { latency_ms: options.latency }),
          ...(options.task === undefined ? {} : { task_type: options.task }),
        },
        CLI,
      );
      for (const warning of result.warnings) io.err(`warning: ${warning}`);
      io.print(
        result,
        (r) => {
          const model = r.priced_as && r.priced_as !== r.model ? `${r.model} (priced as ${r.priced_as})` : r.model;
          const tier = r.tier ? `, long-prompt tier above ${r.tier.above_input_tokens.toLocaleString('en-US')} input tokens` : '';
          const source = r.cost_usd === null ? '' : ` (${priceSourceText(r.price_source, r.price_version)}${tier})`;
          return `Tracked #${r.id}: ${r.provider} ${model}, ${r.input_tokens} in / ${r.output_tokens} out${r.success ? '' : ' (failed)'}, ${formatUsd(r.cost_usd)}${source}.`;
        },
      );
    });
}
