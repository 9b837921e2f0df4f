import type { ProviderId } from '../../shared/providers.js';
import { QUALITY_TIERS, type QualityTier } from '../../shared/routing.js';
import { modelFamily } from '../providers/catalog.js';

/**
 * Keyway's one table of model quality tiers, for `min_quality` in cost ranking. Deliberately
 * coarse: `premium` is a provider's flagship of its generation, `standard` its mid-size or fast
 * model, `basic` its smallest. Matched against the model family (snapshot dates and tags removed),
 * first match wins, so the more specific patterns come first. A model not listed has no tier and
 * never counts as meeting a min_quality above basic.
 */
const REMOTE_TIERS: ReadonlyArray<readonly [ProviderId, RegExp, QualityTier]> = [
  ['anthropic', /^claude-3-haiku|^claude-instant/, 'basic'],
  ['anthropic', /^claude-3-sonnet|^claude-2|haiku/, 'standard'],
  ['anthropic', /^claude-(3-opus|3-5-sonnet|3-7-sonnet|opus|sonnet)/, 'premium'],
  ['openai', /^gpt-3\.5|-nano/, 'basic'],
  ['openai', /-mini/, 'standard'],
  ['openai', /^(gpt-4|gpt-5|o1|o3|o4)/, 'premium'],
  ['google', /flash-lite|^gemma/, 'basic'],
  ['google', /^gemini-(1\.0-)?pro|flash/, 'standard'],
  ['google', /^gemini-[\d.]+-pro|^gemini-(ultra|[\d.]+-ultra)/, 'premium'],
];

/**
 * The quality tier of `model` at `provider`, or null when the table does not know it. Models run
 * locally through Ollama are `basic`: what a workstation runs is not a hosted flagship.
 */
export function modelQuality(provider: ProviderId, model: string | null): QualityTier | null {
  if (provider === 'local') return model === null ? null : 'basic';
  if (model === null) return null;
  const family = modelFamily(model);
  return REMOTE_TIERS.find(([p, pattern]) => p === provider && pattern.test(family))?.[2] ?? null;
}

/** Whether a model of tier `quality` satisfies `min`. Every model, rated or not, meets `basic`. */
export function meetsQuality(quality: QualityTier | null, min: QualityTier | undefined): boolean {
  if (min === undefined || min === 'basic') return true;
  return quality !== null && QUALITY_TIERS.indexOf(quality) >= QUALITY_TIERS.indexOf(min);
}
