import { closeSync, fsyncSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { stringify as canonicalJson } from 'safe-stable-stringify';
import type { AuditEntry, AuditVerifyResult } from '../../shared/audit.js';
import { isErrnoException } from '../errors.js';
import { PRIVATE_FILE_MODE } from '../fs/atomic-write.js';
import { FileLock } from '../fs/file-lock.js';

export const GENESIS_HASH = '0'.repeat(64);

/** What a caller records; sequence, time and chain fields are filled in by the log. */
export type AuditEvent = Omit<AuditEntry, 'seq' | 'time' | 'prev' | 'hash' | 'provider' | 'key_id' | 'fingerprint' | 'error_code' | 'detail'> &
  Partial<Pick<AuditEntry, 'provider' | 'key_id' | 'fingerprint' | 'error_code' | 'detail'>>;

export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(entry.prev).update(canonicalJson(entry) ?? '').digest('hex');
}

/**
 * Append-only JSON lines, each entry chained to the one before by
 * sha256(previous hash + canonical JSON of the entry), so an edit, a deletion or a reordering
 * anywhere breaks the chain from that line on. Appends are fsynced before they return.
 */
export class AuditLog {
  readonly path: string;
  readonly #lock: FileLock;
  readonly #now: () => Date;

  constructor(path: string, now: () => Date = () => new Date()) {
    this.path = path;
    this.#lock = new FileLock(`${path}.lock`);
    this.#now = now;
  }

  append(event: AuditEvent): Promise<AuditEntry> {
    return this.#lock.run(() => {
      const last = this.#lastEntry();
      const body: Omit<AuditEntry, 'hash'> = {
        seq: (last?.seq ?? 0) + 1,
        time: this.#now().toISOString(),
        actor: event.actor,
        action: event.action,
        provider: event.provider ?? null,
        key_id: event.key_id ?? null,
        fingerprint: event.fingerprint ?? null,
        outcome: event.outcome,
        error_code: event.error_code ?? null,
        detail: event.detail ?? null,
        prev: last?.hash ?? GENESIS_HASH,
      };
      const entry: AuditEntry = { ...body, hash: hashEntry(body) };
      const fd = openSync(this.path, 'a', PRIVATE_FILE_MODE);
      try {
        writeSync(fd, `${JSON.stringify(entry)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return entry;
    });
  }

  /** The newest `limit` entries, oldest first. */
  read(limit?: number): AuditEntry[] {
    const entries = this.#lines().flatMap((line) => {
      try {
        return [JSON.parse(line) as AuditEntry];
      } catch {
        return [];
      }
    });
    return limit === undefined ? entries : entries.slice(-limit);
  }

  verify(): AuditVerifyResult {
    const lines = this.#lines();
    let prev = GENESIS_HASH;
    for (const [index, line] of lines.entries()) {
      const broken = (problem: string): AuditVerifyResult => ({
        ok: false,
        entries: lines.length,
        first_broken_line: index + 1,
        problem,
      });
      let entry: AuditEntry;
      try {
        entry = JSON.parse(line) as AuditEntry;
      } catch {
        return broken('the line is not valid JSON');
      }
      if (entry.seq !== index + 1) return broken(`expected entry ${index + 1} but found ${String(entry.seq)} (an entry was removed or moved)`);
      if (entry.prev !== prev) return broken('it does not follow the entry before it (an entry was removed, moved or edited)');
      const { hash, ...body } = entry;
      if (hashEntry(body) !== hash) return broken('its contents do not match its hash (the entry was edited)');
      prev = hash;
    }
    return { ok: true, entries: lines.length, first_broken_line: null, problem: null };
  }

  #lines(): string[] {
    try {
      return readFileSync(this.path, 'utf8').split('\n').filter((line) => line.length > 0);
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return [];
      throw error;
    }
  }

  /** Reads only the file's tail, so appending stays cheap however long the log grows. */
  #lastEntry(): AuditEntry | undefined {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return undefined;
      throw error;
    }
    if (size === 0) return undefined;
    const fd = openSync(this.path, 'r');
    try {
      for (let window = 4096; ; window *= 4) {
        const start = Math.max(0, size - window);
        const buffer = Buffer.alloc(size - start);
        readSync(fd, buffer, 0, buffer.length, start);
        const text = buffer.toString('utf8').replace(/\n+$/, '');
        const newline = text.lastIndexOf('\n');
        if (newline >= 0 || start === 0) return JSON.parse(text.slice(newline + 1)) as AuditEntry;
      }
    } finally {
      closeSync(fd);
    }
  }
}
