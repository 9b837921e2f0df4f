import { nodeCrypto } from '../on-first-use.js';
import type { PriceChange, PriceUpdateResult } from '../../shared/prices.js';
import { KeywayError } from '../errors.js';
import { CatalogData, PRICED_PROVIDERS, genaiPrices } from './catalog-data.js';
import { periodAt, ratesInUsd } from './micro-rates.js';
import type { PriceCatalog } from './price-catalog.js';
import { MAX_PRICE_DATA_BYTES, infoFor, validatePriceData, writeStoredPriceData } from './stored-price-data.js';

export interface PriceUpdateOptions {
  /** Where to fetch from: KEYWAY_PRICES_URL, else the library's own data URL. */
  url?: string;
  timeoutMs: number;
  now: () => Date;
}

/**
 * `keyway prices update`: fetches the library's current data, validates it, keeps it in the data
 * dir (price-data.json) and puts it in force; reports which Anthropic, OpenAI and Google prices
 * changed. Offline or on bad data it throws prices_unavailable and the data in force stays.
 */
export async function updatePriceData(catalog: PriceCatalog, options: PriceUpdateOptions): Promise<PriceUpdateResult> {
  const url = options.url ?? genaiPrices().remoteDataUrl;
  const dataPath = catalog.dataPath;
  if (!dataPath) throw new KeywayError('internal', 'This price catalog has no data file to keep updates in.');
  const before = catalog.dataInfo();
  const body = await fetchBounded(url, options.timeoutMs, before.version);
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new KeywayError('prices_unavailable', `${url} did not answer with JSON price data; ${keeping(before.version)}.`);
  }
  const fetchedAt = options.now().toISOString();
  const sha256 = nodeCrypto().createHash('sha256').update(body).digest('hex');
  const info = infoFor(fetchedAt, url, sha256);
  const checked = validatePriceData(raw, info);
  if ('problem' in checked) throw new KeywayError('prices_unavailable', `The price data from ${url} was refused: ${checked.problem}; ${keeping(before.version)}.`);
  const old = catalog.catalogData();
  const same = before.kind === 'updated' && before.version === info.version;
  writeStoredPriceData(dataPath, body, url, fetchedAt);
  catalog.useData(checked.data, checked.providers);
  return { updated: !same, url, before, after: info, path: dataPath, changes: diff(old, checked.data, options.now().getTime()) };
}

const keeping = (version: string): string => `the price data in force (${version}) is kept`;

async function fetchBounded(url: string, timeoutMs: number, version: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (error) {
    const why = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? `no answer within ${timeoutMs} ms` : 'cannot connect; offline?';
    throw new KeywayError('prices_unavailable', `Could not fetch price data from ${url} (${why}); ${keeping(version)}. Try again when online.`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new KeywayError('prices_unavailable', `${url} answered HTTP ${response.status}; ${keeping(version)}. Try again later.`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_PRICE_DATA_BYTES) {
    await response.body?.cancel();
    throw new KeywayError('prices_unavailable', `${url} offered ${declared} bytes, more than price data ever is; ${keeping(version)}.`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_PRICE_DATA_BYTES) {
        await reader.cancel();
        throw new KeywayError('prices_unavailable', `${url} sent more than ${MAX_PRICE_DATA_BYTES} bytes, more than price data ever is; ${keeping(version)}.`);
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Entries added, removed or re-priced (current period, base rates) for Keyway's providers. */
function diff(before: CatalogData, after: CatalogData, nowMs: number): PriceChange[] {
  const changes: PriceChange[] = [];
  for (const provider of PRICED_PROVIDERS) {
    const rates = (data: CatalogData) =>
      new Map(data.entries(provider).map((e) => [e.id, ratesInUsd(periodAt(data.periods(e), nowMs).base)] as const));
    const old = rates(before);
    const next = rates(after);
    for (const [model, r] of next) {
      const was = old.get(model);
      if (!was) changes.push({ provider, model, change: 'added', before: null, after: r });
      else if (JSON.stringify(was) !== JSON.stringify(r)) changes.push({ provider, model, change: 'changed', before: was, after: r });
    }
    for (const [model, r] of old) if (!next.has(model)) changes.push({ provider, model, change: 'removed', before: r, after: null });
  }
  return changes;
}
