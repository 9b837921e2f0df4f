import { nodeCrypto } from '../on-first-use.js';
import { readFileSync } from 'node:fs';
import type { Provider } from '@pydantic/genai-prices';
import { z } from 'zod';
import type { PriceDataInfo } from '../../shared/prices.js';
import { isErrnoException } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { CatalogData, PRICED_PROVIDERS, genaiPrices } from './catalog-data.js';
import { costOf } from './micro-rates.js';

/** Fetched price data is ~1-3 MB today; more than this is not price data. */
export const MAX_PRICE_DATA_BYTES = 32 * 1024 * 1024;

const tieredOrNumber = z.union([
  z.number().finite().min(0),
  z.object({ base: z.number().finite().min(0), tiers: z.array(z.object({ start: z.number().int().min(0), price: z.number().finite().min(0) })) }),
]);
const modelPrice = z.record(z.string(), tieredOrNumber);

/** The shape of @pydantic/genai-prices data (v2 `data.json`): what Keyway relies on, the rest passes through. */
const ProvidersSchema = z
  .array(
    z.looseObject({
      id: z.string().min(1),
      name: z.string(),
      api_pattern: z.string(),
      fallback_model_providers: z.array(z.string()).optional(),
      models: z.array(
        z.looseObject({
          id: z.string().min(1),
          match: z.record(z.string(), z.unknown()),
          prices: z.union([modelPrice, z.array(z.looseObject({ constraint: z.record(z.string(), z.unknown()).optional(), prices: modelPrice })).min(1)]),
        }),
      ),
    }),
  )
  .min(1);

const StoredSchema = z.object({
  fetched_at: z.string().datetime(),
  url: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  providers: z.unknown(),
});

export interface StoredPriceData {
  info: PriceDataInfo;
  providers: Provider[];
}

/**
 * Checks fetched or stored data before it may price anything: the schema, the library's own
 * normalisation (it rejects malformed date constraints), and a trial price of every Anthropic,
 * OpenAI and Google entry. Returns the reason it is unusable, or the compiled data.
 */
export function validatePriceData(raw: unknown, info: PriceDataInfo): { data: CatalogData; providers: Provider[] } | { problem: string } {
  const parsed = ProvidersSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `not price data (${issue.path.join('.') || 'top level'}: ${issue.message})` };
  }
  const providers = parsed.data as unknown as Provider[];
  const missing = PRICED_PROVIDERS.filter((p) => !providers.some((x) => x.id === p));
  if (missing.length > 0) return { problem: `it has no prices for ${missing.join(', ')}` };
  try {
    const { lib } = genaiPrices();
    // calcPrice with an explicit provider runs the library's own normalisation without activating the data.
    for (const id of PRICED_PROVIDERS) lib.calcPrice({ input_tokens: 1, output_tokens: 1 }, 'keyway-validation', { provider: providers.find((p) => p.id === id)! });
    const data = new CatalogData(providers, info);
    for (const provider of PRICED_PROVIDERS) {
      for (const entry of data.entries(provider)) {
        for (const period of data.periods(entry)) {
          if (!Number.isSafeInteger(costOf(period, { input_tokens: 1_000_000, output_tokens: 1_000_000 }).total)) throw new Error(`${entry.id} has an unusable price`);
        }
      }
    }
    return { data, providers };
  } catch (error) {
    return { problem: `it does not load (${error instanceof Error ? error.message : 'invalid'})` };
  }
}

let libraryHasUpdate = false;

/** Makes `providers` the data the library itself prices with (calcPrice, extractUsage, findProvider). */
export function activateInLibrary(providers: Provider[]): void {
  genaiPrices().setProviderData(providers);
  libraryHasUpdate = true;
}

/** Puts the bundled data back in the library after an update was active (rare: kept data became unusable). */
export function activateBundledInLibrary(): Provider[] {
  const { bundled, setProviderData } = genaiPrices();
  if (libraryHasUpdate) setProviderData(bundled);
  libraryHasUpdate = false;
  return bundled;
}

export function infoFor(fetchedAt: string, url: string, sha256: string): PriceDataInfo {
  return { kind: 'updated', version: `update ${sha256.slice(0, 12)}`, date: fetchedAt.slice(0, 10), fetched_at: fetchedAt, url };
}

/** Reads data kept by `keyway prices update`; null when there is none or it is unusable (the bundled data is used). */
export function readStoredPriceData(path: string): { data: CatalogData; providers: Provider[]; fetchedAt: string } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    return null;
  }
  if (text.length > MAX_PRICE_DATA_BYTES) return null;
  try {
    const stored = StoredSchema.parse(JSON.parse(text));
    const checked = validatePriceData(stored.providers, infoFor(stored.fetched_at, stored.url, stored.sha256));
    return 'problem' in checked ? null : { ...checked, fetchedAt: stored.fetched_at };
  } catch {
    return null;
  }
}

export function writeStoredPriceData(path: string, body: string, url: string, fetchedAt: string): { sha256: string } {
  const sha256 = nodeCrypto().createHash('sha256').update(body).digest('hex');
  // The body is embedded as parsed JSON so the file stays one valid document.
  writeFileAtomic(path, `{"fetched_at":${JSON.stringify(fetchedAt)},"url":${JSON.stringify(url)},"sha256":"${sha256}","providers":${body}}\n`);
  return { sha256 };
}
