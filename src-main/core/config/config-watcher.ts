import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { AuditLog } from '../audit/audit-log.js';
import { isKeywayError } from '../errors.js';
import type { ServiceEvents } from '../events.js';
import type { ConfigStore } from './config-store.js';

export interface ConfigWatcherDeps {
  store: ConfigStore;
  audit: AuditLog;
  events: ServiceEvents;
  /** Quiet time after the last change before re-reading (editors write in several steps). */
  debounceMs?: number;
}

/**
 * Applies outside edits of routing_config.json without a restart. It watches the file's directory,
 * not the file, because editors and atomic writers replace the file (a new inode) on every save.
 * A valid edit is applied and announced; an invalid one is audited and announced with the reason,
 * and the last good configuration stays in force. The user's file is never rewritten here.
 */
export class ConfigWatcher {
  readonly #deps: ConfigWatcherDeps;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastError: string | null = null;

  constructor(deps: ConfigWatcherDeps) {
    this.#deps = deps;
  }

  start(): void {
    if (this.#watcher) return;
    const name = basename(this.#deps.store.path);
    try {
      this.#deps.store.current();
    } catch (error) {
      // Invalid at start: reported like an invalid edit; the watcher still runs, so fixing the file takes effect.
      void this.#reportInvalid(error);
    }
    this.#watcher = watch(dirname(this.#deps.store.path), { persistent: false }, (_event, file) => {
      if (file === null || file === name) this.#schedule();
    });
    this.#watcher.on('error', () => this.stop());
  }

  stop(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Re-reads the file now; what the watcher does after each change. */
  async check(): Promise<void> {
    const { store, audit, events } = this.#deps;
    try {
      const config = store.reload();
      // Unchanged text is news only after a reported error: the file was put back to the configuration
      // in force, or (invalid at start) another reader already loaded the fixed file.
      if (config === null && (this.#lastError === null || !store.hasGoodConfig())) return;
      this.#lastError = null;
      await audit.append({ actor: 'system', action: 'config.reload', outcome: 'ok', detail: store.path });
      events.emit('config.changed', { path: store.path, ok: true, error: null });
    } catch (error) {
      await this.#reportInvalid(error);
    }
  }

  /** Audits and announces an invalid file once per distinct problem. */
  async #reportInvalid(error: unknown): Promise<void> {
    const { store, audit, events } = this.#deps;
    const problem = isKeywayError(error) ? error.message : `${store.path} could not be read.`;
    const consequence = store.hasGoodConfig()
      ? 'The last good configuration stays in force until the file is fixed.'
      : 'Routing is unavailable until the file is fixed.';
    const message = `${problem} ${consequence}`;
    if (message === this.#lastError) return;
    this.#lastError = message;
    await audit.append({ actor: 'system', action: 'config.reload', outcome: 'error', error_code: 'config_invalid', detail: message }).catch(() => undefined);
    events.emit('config.changed', { path: store.path, ok: false, error: message });
  }

  #schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.check(), this.#deps.debounceMs ?? 75);
    this.#timer.unref();
  }
}
