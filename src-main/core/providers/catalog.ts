import type { ProviderId } from '../../shared/providers.js';
import { DEFAULT_MODELS } from './seed-prices.js';

/** Suffixes that name a snapshot of a model rather than a different model. */
const SNAPSHOT_SUFFIXES = [/-\d{8}$/, /-\d{4}-\d{2}-\d{2}$/, /@\d{8}$/, /-(latest|preview)$/, /-\d{3,4}$/, /:[^:]*$/];

/** `claude-3-5-sonnet-20241022` -> `claude-3-5-sonnet`, `models/gemini-pro-001` -> `gemini-pro`, `llama2:13b` -> `llama2`. */
export function modelFamily(model: string): string {
  let family = model.replace(/^models\//, '');
  for (let changed = true; changed; ) {
    changed = false;
    for (const suffix of SNAPSHOT_SUFFIXES) {
      const next = family.replace(suffix, '');
      if (next !== family && next.length > 0) {
        family = next;
        changed = true;
      }
    }
  }
  return family;
}

export function defaultModel(provider: ProviderId): string {
  return DEFAULT_MODELS[provider];
}
