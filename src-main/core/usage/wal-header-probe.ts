import { closeSync, openSync, readSync } from 'node:fs';

/** The WAL-index header: the first 48 bytes of the -shm file (https://www.sqlite.org/walformat.html). */
const HEADER_BYTES = 48;

/**
 * Tells whether any connection, this one included, has committed to a WAL-mode database since the
 * last look. It reads the WAL-index header from the -shm file: the bytes SQLite itself compares at
 * the start of every read transaction to learn whether the database changed (every commit changes
 * its change counter, frame count and checksums; a WAL reset its salts). That costs one pread and
 * no lock, where `PRAGMA data_version` takes and drops a shared lock (two fcntl calls). A read torn
 * by a commit writing the header at that moment only looks like a change.
 */
export class WalHeaderProbe {
  readonly #path: string;
  #fd: number | null = null;
  readonly #seen = Buffer.alloc(HEADER_BYTES);
  readonly #read = Buffer.alloc(HEADER_BYTES);
  #version = 0;

  constructor(databasePath: string) {
    this.#path = `${databasePath}-shm`;
  }

  /** A number that moves whenever the header changed since the last call; null when the -shm file cannot be read (ask SQLite instead). */
  version(): number | null {
    try {
      this.#fd ??= openSync(this.#path, 'r');
      if (readSync(this.#fd, this.#read, 0, HEADER_BYTES, 0) < HEADER_BYTES) return null;
    } catch {
      return null;
    }
    if (!this.#read.equals(this.#seen)) {
      this.#read.copy(this.#seen);
      this.#version += 1;
    }
    return this.#version;
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}
