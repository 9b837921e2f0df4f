import type { PriceUpdateResult } from '../../shared/prices.js';
import type { PriceCatalog } from './price-catalog.js';
import { updatePriceData } from './price-update.js';

const DAY_MS = 24 * 3600 * 1000;
/** The first check waits this long after start-up, so it never competes with starting. */
const FIRST_CHECK_MS = 60_000;

export interface PriceRefreshOptions {
  catalog: PriceCatalog;
  /** Default: the library's data URL. */
  url?: string;
  timeoutMs: number;
  now: () => Date;
  /** Tests shorten these. */
  firstCheckMs?: number;
  intervalMs?: number;
  onUpdated?: (result: PriceUpdateResult) => void;
}

/**
 * The long-lived service's price refresh: at most once a day (kept data younger than a day is not
 * fetched again, whichever process fetched it), off the request path, on an unref'd timer that
 * never delays start-up or exit. A failed attempt waits for the next day; the data in force stays.
 */
export class PriceRefresher {
  readonly #o: PriceRefreshOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: PriceRefreshOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#timer) return;
    this.#schedule(this.#o.firstCheckMs ?? FIRST_CHECK_MS);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One check now: fetches only when the data in force is a day old or more. */
  check(): Promise<void> {
    this.#running ??= this.#check().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #check(): Promise<void> {
    const info = this.#o.catalog.dataInfo();
    const fetched = info.fetched_at ? Date.parse(info.fetched_at) : -Infinity;
    if (this.#o.now().getTime() - fetched < (this.#o.intervalMs ?? DAY_MS)) return;
    try {
      const result = await updatePriceData(this.#o.catalog, { url: this.#o.url, timeoutMs: this.#o.timeoutMs, now: this.#o.now });
      this.#o.onUpdated?.(result);
    } catch {
      // Offline or bad data: the data in force stays; the next attempt is a day later.
    }
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      void this.check().finally(() => {
        if (this.#timer) this.#schedule(this.#o.intervalMs ?? DAY_MS);
      });
    }, delayMs);
    this.#timer.unref();
  }
}
