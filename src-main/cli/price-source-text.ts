import type { PriceSource } from '../shared/prices.js';

/** "catalog genai-prices 0.1.8", "prices.json 3f2a9c1e0b7d", "seed rate", "local, free". */
export function priceSourceText(source: PriceSource | null, version: string | null): string {
  switch (source) {
    case 'catalog':
      return `price from ${version ?? 'the catalog'}`;
    case 'override':
      return `price from ${version ?? 'prices.json'}`;
    case 'seed':
      return 'seed rate';
    case 'local':
      return 'local, free';
    default:
      return 'unpriced';
  }
}
