import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { WalHeaderProbe } from '../../../src-main/core/usage/wal-header-probe.js';
import { tempDir } from '../../support/temp-dir.js';

const open: Array<{ close(): void }> = [];
afterEach(() => {
  while (open.length > 0) open.pop()!.close();
});

function walDatabase(path: string): Database.Database {
  const db = new Database(path);
  open.push(db);
  db.pragma('journal_mode = WAL');
  return db;
}

describe('WalHeaderProbe', () => {
  it('moves with every commit, by this connection or another, and stays put without one (as data_version does for others)', () => {
    const path = join(tempDir(), 'usage.db');
    const mine = walDatabase(path);
    mine.exec('CREATE TABLE t (x)');
    const other = walDatabase(path);
    const probe = new WalHeaderProbe(path);
    open.push(probe);
    const dataVersion = mine.prepare('PRAGMA data_version').pluck();

    const start = probe.version();
    expect(start).not.toBeNull();
    mine.prepare('SELECT count(*) FROM t').get();
    expect(probe.version()).toBe(start);

    const before = dataVersion.get();
    other.prepare('INSERT INTO t VALUES (1)').run();
    const afterOther = probe.version();
    expect(afterOther).not.toBe(start);
    expect(dataVersion.get()).not.toBe(before);

    mine.prepare('INSERT INTO t VALUES (2)').run();
    const afterMine = probe.version();
    expect(afterMine).not.toBe(afterOther);
    expect(probe.version()).toBe(afterMine);

    other.pragma('wal_checkpoint(TRUNCATE)');
    other.prepare('INSERT INTO t VALUES (3)').run();
    expect(probe.version()).not.toBe(afterMine);
  });

  it('answers null when there is no -shm file to read, so the caller asks SQLite', () => {
    const probe = new WalHeaderProbe(join(tempDir(), 'missing.db'));
    open.push(probe);
    expect(probe.version()).toBeNull();
  });
});
