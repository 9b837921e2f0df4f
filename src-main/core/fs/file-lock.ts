import lockfile from 'proper-lockfile';
import { KeywayError } from '../errors.js';

/**
 * Serialises a read-modify-write across processes (proper-lockfile: an atomic mkdir with stale
 * detection) and inside this one (a promise chain, since the lock is not re-entrant).
 */
export class FileLock {
  readonly #path: string;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  run<T>(work: () => Promise<T> | T): Promise<T> {
    const next = this.#tail.then(() => this.#locked(work));
    this.#tail = next.catch(() => undefined);
    return next;
  }

  async #locked<T>(work: () => Promise<T> | T): Promise<T> {
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(this.#path, {
        realpath: false,
        stale: 10_000,
        update: 2_000,
        retries: { retries: 400, factor: 1.2, minTimeout: 5, maxTimeout: 50, randomize: true },
      });
    } catch {
      throw new KeywayError(
        'data_dir_unusable',
        `Could not lock ${this.#path}: another Keyway process holds it. Try again in a moment.`,
      );
    }
    try {
      return await work();
    } finally {
      await release().catch(() => undefined);
    }
  }
}
