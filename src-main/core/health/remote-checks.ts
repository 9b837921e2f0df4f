/**
 * Optional periodic checks of the remote providers (one live key validation each). Off unless
 * routing_config.json sets `health.remote_check_interval_s`, because every check costs quota.
 * The setting is re-read on every round, so turning it on or off needs no restart.
 */
export class RemoteChecks {
  readonly #intervalMs: () => number | null;
  readonly #run: () => Promise<unknown>;
  /** How often to look at the setting again while checks are off. */
  readonly #idleMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(options: { intervalMs: () => number | null; run: () => Promise<unknown>; idleMs?: number }) {
    this.#intervalMs = options.intervalMs;
    this.#run = options.run;
    this.#idleMs = options.idleMs ?? 30_000;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (!this.#running) return;
    const interval = this.#intervalMs();
    this.#timer = setTimeout(() => void this.#tick(interval !== null), interval ?? this.#idleMs);
    this.#timer.unref();
  }

  async #tick(enabled: boolean): Promise<void> {
    if (!this.#running) return;
    if (enabled && this.#intervalMs() !== null) await this.#run().catch(() => undefined);
    this.#schedule();
  }
}
