import { Pool } from 'undici';

/** How long the gateway waits for a provider's headers and between body chunks (long generations). */
const UPSTREAM_TIMEOUT_MS = 10 * 60_000;

/**
 * One keep-alive undici Pool per upstream origin (each provider's base URL), so requests reuse
 * connections instead of opening one each. Closed with the gateway.
 */
export class Upstreams {
  readonly #pools = new Map<string, Pool>();

  pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 256,
        keepAliveTimeout: 30_000,
        headersTimeout: UPSTREAM_TIMEOUT_MS,
        bodyTimeout: UPSTREAM_TIMEOUT_MS,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
}
