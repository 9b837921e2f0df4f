import type { Command } from 'commander';
import { numberOption } from './number-option.js';

export interface CacheOptions {
  cached?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
}

/** `--cached`, `--cache-write` and `--cache-write-1h`: the parts of --input read from and written to the prompt cache. */
export function addCacheOptions(command: Command): Command {
  return command
    .option('--cached <n>', 'part of --input read from the prompt cache', numberOption)
    .option('--cache-write <n>', 'part of --input written to the prompt cache (all writes)', numberOption)
    .option('--cache-write-1h <n>', 'part of --cache-write written with the 1-hour TTL (Anthropic)', numberOption);
}

/** The cache token fields of a track or estimate call, only those given. */
export function cacheFields(options: CacheOptions): { cached_input_tokens?: number; cache_write_tokens?: number; cache_write_1h_tokens?: number } {
  return {
    ...(options.cached === undefined ? {} : { cached_input_tokens: options.cached }),
    ...(options.cacheWrite === undefined ? {} : { cache_write_tokens: options.cacheWrite }),
    ...(options.cacheWrite1h === undefined ? {} : { cache_write_1h_tokens: options.cacheWrite1h }),
  };
}
