import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { KeywayError } from '../errors.js';
import { PRIVATE_FILE_MODE } from '../fs/atomic-write.js';
import { LEDGER_BASE_VERSION, LEDGER_MIGRATIONS, LEDGER_SCHEMA, SCHEMA_VERSION } from './ledger-schema.js';

const BUSY_TIMEOUT_MS = 10_000;
const CACHE_KIB = 4096;

/**
 * Opens (creating, migrating, owner-only) the SQLite ledger in WAL mode. Commits do not fsync on
 * the event loop (synchronous=NORMAL); the ledger makes records durable by syncing the WAL file
 * off the loop before it acknowledges them (see UsageLedger), which is what synchronous=FULL would
 * do, without stalling every other request for the length of an fsync.
 */
export function openLedgerDatabase(path: string): Database.Database {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // The ledger's hot pages (the newest index leaves, daily aggregates, names) fit in far less than
    // better-sqlite3's 16 MB default; a long-lived service keeps whatever it is given resident.
    db.pragma(`cache_size = -${CACHE_KIB}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      db.close();
      throw new KeywayError('data_dir_unusable', `${path} was written by a newer Keyway (schema ${version}); update Keyway to read it.`);
    }
    if (version < SCHEMA_VERSION) {
      db.transaction(() => {
        // Read again under the write lock: another process may have just created or migrated it.
        let current = db.pragma('user_version', { simple: true }) as number;
        if (current === 0) {
          db.exec(LEDGER_SCHEMA);
          current = LEDGER_BASE_VERSION;
        }
        for (let v = current; v < SCHEMA_VERSION; v++) db.exec(LEDGER_MIGRATIONS[v] ?? '');
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      }).immediate();
    }
  } catch (error) {
    if (error instanceof KeywayError) throw error;
    throw new KeywayError('data_dir_unusable', `The usage ledger ${path} cannot be opened (${describe(error)}). Check the file and its permissions.`, { cause: error });
  }
  if (process.platform !== 'win32') {
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      try {
        chmodSync(file, PRIVATE_FILE_MODE);
      } catch {
        // -wal and -shm come and go with connections; SQLite gives them the database file's mode.
      }
    }
  }
  return db;
}

/** A write failure in words: nothing was recorded, and what to do. */
export function ledgerStorageError(error: unknown, path: string): KeywayError {
  if (error instanceof KeywayError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY') {
    return new KeywayError('internal', `The usage ledger ${path} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s; nothing was recorded. Try again.`, { cause: error });
  }
  return new KeywayError('internal', `Writing the usage ledger ${path} failed (${describe(error)}); nothing was recorded.`, { cause: error });
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown error';
}
