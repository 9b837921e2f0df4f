import { mkdirSync, readFileSync, rmdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeywayError, isErrnoException } from '../errors.js';

const WAIT_MS = 20_000;
const HOST = hostname();
const BREAKER_STALE_MS = 5_000;

/** proper-lockfile (with graceful-fs, retry and signal-exit) loads on the first lock: read-only commands never take one. */
let lockfileModule: Promise<typeof import('proper-lockfile')> | undefined;
const loadLockfile = async (): Promise<typeof import('proper-lockfile')> => {
  const loaded = await (lockfileModule ??= import('proper-lockfile'));
  return (loaded as typeof loaded & { default?: typeof loaded }).default ?? loaded;
};

/**
 * Serialises a read-modify-write across processes (proper-lockfile: an atomic mkdir with stale
 * detection) and inside this one (a promise chain, since the lock is not re-entrant).
 *
 * The holder writes its pid into the lock directory, so a lock left by a process that was killed
 * is taken over at once instead of after the 10 s staleness timeout.
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
    const release = await this.#acquire();
    try {
      return await work();
    } finally {
      await release().catch(() => undefined);
    }
  }

  async #acquire(): Promise<() => Promise<void>> {
    const lockDir = `${this.#path}.lock`;
    const deadline = Date.now() + WAIT_MS;
    const lockfile = await loadLockfile();
    for (let attempt = 0; ; attempt++) {
      try {
        const release = await lockfile.lock(this.#path, {
          realpath: false,
          stale: 10_000,
          update: 2_000,
          retries: 0,
          // proper-lockfile's default throws from a timer, killing the process mid-change; it also
          // fires when its mtime check races our own release. The change under way is crash-safe
          // either way, so finishing it is the better answer.
          onCompromised: () => undefined,
        });
        try {
          // proper-lockfile watches the directory's mtime to notice a takeover: keep it as it was.
          const { mtime } = statSync(lockDir);
          writeFileSync(join(lockDir, 'owner'), `${HOST} ${process.pid}`);
          utimesSync(lockDir, mtime, mtime);
        } catch {
          // Without an owner file the lock is still valid; it is only taken over by staleness.
        }
        return async () => {
          rmSync(join(lockDir, 'owner'), { force: true });
          await release();
        };
      } catch (error) {
        const code = isErrnoException(error) ? error.code : undefined;
        // ENOTEMPTY: proper-lockfile found the lock stale but cannot rmdir it past the owner file.
        const retry = code === 'ELOCKED' || code === 'ENOTEMPTY';
        if (!retry || Date.now() > deadline) {
          throw new KeywayError('data_dir_unusable', `Could not lock ${this.#path}: another Keyway process holds it. Try again in a moment.`);
        }
        const broken = code === 'ENOTEMPTY' ? breakLock(lockDir, holderPid(lockDir)) : breakDeadHolder(lockDir);
        if (!broken) await sleep(Math.min(50, 5 * 1.2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }
}

/** The pid written by the lock's holder, when it is a process on this host. */
function holderPid(lockDir: string): number | undefined {
  try {
    const [host, pid] = readFileSync(join(lockDir, 'owner'), 'utf8').split(' ');
    return host === HOST && pid !== undefined && /^\d+$/.test(pid) ? Number(pid) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrnoException(error) && error.code === 'EPERM';
  }
}

/**
 * Removes a lock whose holder no longer runs. A second directory (`.break`, an atomic mkdir) makes
 * sure only one waiter breaks it, and the holder is checked again under it, so a lock just taken
 * by a live process is never removed.
 */
function breakDeadHolder(lockDir: string): boolean {
  const pid = holderPid(lockDir);
  if (pid === undefined || pid === process.pid || isAlive(pid)) return false;
  return breakLock(lockDir, pid);
}

/** Removes the lock directory if its holder is still `pid` (checked under the `.break` directory). */
function breakLock(lockDir: string, pid: number | undefined): boolean {
  const breaker = `${lockDir}.break`;
  try {
    mkdirSync(breaker);
  } catch {
    // A breaker left by a process killed while breaking: clear it, the next attempt breaks.
    clearStaleBreaker(breaker);
    return false;
  }
  try {
    if (holderPid(lockDir) !== pid) return false;
    rmSync(lockDir, { recursive: true, force: true });
    return true;
  } finally {
    rmdirSync(breaker);
  }
}

function clearStaleBreaker(breaker: string): void {
  try {
    if (Date.now() - statSync(breaker).mtimeMs > BREAKER_STALE_MS) rmdirSync(breaker);
  } catch {
    // gone already, or not ours to remove
  }
}
