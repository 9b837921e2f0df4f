import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ProviderId } from '../../shared/providers.js';
import type { CostEstimate, TokenCount } from '../../shared/usage.js';
import { priceSourceText } from '../price-source-text.js';
import { KeywayError, isErrnoException } from '../../core/errors.js';
import { formatUsd } from '../../core/usage/money.js';
import type { CliIo } from '../io.js';
import { addCacheOptions, cacheFields, type CacheOptions } from '../cache-options.js';
import { numberOption } from '../number-option.js';
import { providerArgument } from '../provider-argument.js';

interface EstimateOptions extends CacheOptions {
  input?: number;
  output?: number;
  model?: string;
  text?: string;
}

const MAX_TEXT_BYTES = 50 * 1024 * 1024;

export function registerEstimateCommand(program: Command, io: CliIo): void {
  const command = program
    .command('estimate')
    .description('estimate the cost of a request before making it')
    .addArgument(providerArgument())
    .option('--input <n>', 'input tokens', numberOption)
    .option('--output <n>', 'output tokens (default 0)', numberOption);
  addCacheOptions(command)
    .option('--model <model>', 'model id (default: the provider default)')
    .option('--text <file>', 'count the input tokens of this file instead of --input')
    .addHelpText('after', '\nExamples:\n  keyway estimate anthropic --input 5000 --output 2000\n  keyway estimate openai --model gpt-4o --text prompt.md --output 500')
    .action(async (provider: ProviderId, options: EstimateOptions, command: Command) => {
      // A usage error (exit 2), as the README promises, not a failed operation.
      if ((options.input === undefined) === (options.text === undefined)) command.error('error: give exactly one of --input N or --text FILE', { exitCode: 2 });
      const api = await io.api();
      let count: TokenCount | null = null;
      let input = options.input ?? 0;
      if (options.text !== undefined) {
        count = await api.countTokens(provider, options.model, readText(options.text));
        input = count.tokens;
      }
      const estimate = await api.estimateCost({
        provider,
        input_tokens: input,
        output_tokens: options.output ?? 0,
        ...(options.model === undefined ? {} : { model: options.model }),
        ...cacheFields(options),
      });
      for (const warning of estimate.warnings) io.err(`warning: ${warning}`);
      io.print(count ? { ...estimate, token_count: count } : estimate, (e) => formatEstimate(e, count));
    });
}

function readText(path: string): string {
  try {
    const buffer = readFileSync(path);
    if (buffer.length > MAX_TEXT_BYTES) throw new KeywayError('invalid_input', `${path} is larger than 50 MiB; estimate a smaller file.`);
    return buffer.toString('utf8');
  } catch (error) {
    if (error instanceof KeywayError) throw error;
    const reason = isErrnoException(error) ? error.code : 'unreadable';
    throw new KeywayError('invalid_input', `Cannot read --text file ${path} (${reason}). Check the path.`);
  }
}

function formatEstimate(e: CostEstimate, count: TokenCount | null): string {
  const lines: string[] = [];
  if (count) lines.push(`Input tokens: ${count.tokens} (${count.note})`);
  const model = e.priced_as && e.priced_as !== e.model ? `${e.model} (priced as ${e.priced_as})` : e.model;
  if (e.cost_usd === null) {
    lines.push(`${e.provider} ${model}: ${e.input_tokens} in / ${e.output_tokens} out: unpriced (no known price for this model).`);
    return lines.join('\n');
  }
  const tier = e.tier ? `, long-prompt tier above ${e.tier.above_input_tokens.toLocaleString('en-US')} input tokens` : '';
  lines.push(
    `${e.provider} ${model}: ${e.input_tokens} in / ${e.output_tokens} out = ${formatUsd(e.cost_usd)} (${priceSourceText(e.price_source, e.price_version)}${tier})`,
    `  input  ${formatUsd(e.input_cost_usd)} at ${formatUsd(e.input_per_1k_usd)}/1k tokens`,
    `  output ${formatUsd(e.output_cost_usd)} at ${formatUsd(e.output_per_1k_usd)}/1k tokens`,
  );
  return lines.join('\n');
}
