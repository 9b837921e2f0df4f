import type { PriceSource } from '../../shared/prices.js';
import type { ProviderId } from '../../shared/providers.js';

/** Stable small integers for providers in usage.db; new providers get new numbers, never reuse. */
export const PROVIDER_CODES: Readonly<Record<ProviderId, number>> = { anthropic: 1, openai: 2, google: 3, local: 4 };

export const PROVIDER_BY_CODE: ReadonlyMap<number, ProviderId> = new Map(
  Object.entries(PROVIDER_CODES).map(([provider, code]) => [code, provider as ProviderId]),
);

export const SCHEMA_VERSION = 5;
/** The version LEDGER_SCHEMA creates; a new file then runs the migrations from there, so each column is added in one place. */
export const LEDGER_BASE_VERSION = 2;

/** Stable small integers for price sources in usage.db (records.price_source). */
export const PRICE_SOURCE_CODES: Readonly<Record<PriceSource, number>> = { override: 1, catalog: 2, seed: 3, local: 4 };
export const PRICE_SOURCE_BY_CODE: ReadonlyMap<number, PriceSource> = new Map(
  Object.entries(PRICE_SOURCE_CODES).map(([source, code]) => [code, source as PriceSource]),
);

/**
 * usage.db. Raw records are kept small (integers only; names live in `names`) so a record costs
 * well under 120 bytes on disk. `daily` holds one row per local day, provider and model, updated
 * in the same transaction as the records, so reports never scan raw history. Money is micro-dollars.
 */
export const LEDGER_SCHEMA = `
CREATE TABLE IF NOT EXISTS names (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS records (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  provider INTEGER NOT NULL,
  model INTEGER NOT NULL,
  input INTEGER NOT NULL,
  output INTEGER NOT NULL,
  cached INTEGER NOT NULL,
  cost INTEGER,
  ok INTEGER NOT NULL,
  latency INTEGER,
  task INTEGER,
  key_label INTEGER,
  client INTEGER,
  cache_write INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS records_by_provider_time ON records (provider, ts);
CREATE TABLE IF NOT EXISTS daily (
  day INTEGER NOT NULL,
  provider INTEGER NOT NULL,
  model INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  successes INTEGER NOT NULL,
  input INTEGER NOT NULL,
  output INTEGER NOT NULL,
  cached INTEGER NOT NULL,
  cost INTEGER NOT NULL,
  unpriced INTEGER NOT NULL,
  cache_write INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, provider, model)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reservations (
  id TEXT PRIMARY KEY,
  provider INTEGER,
  amount INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alerts_fired (
  period TEXT NOT NULL,
  scope TEXT NOT NULL,
  level TEXT NOT NULL,
  fired_at INTEGER NOT NULL,
  spent INTEGER NOT NULL,
  lim INTEGER NOT NULL,
  PRIMARY KEY (period, scope, level)
) WITHOUT ROWID;
`;

/** Steps from each older schema version to the next, run in order inside one transaction. */
export const LEDGER_MIGRATIONS: Readonly<Record<number, string>> = {
  1: `ALTER TABLE records ADD COLUMN cache_write INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE daily ADD COLUMN cache_write INTEGER NOT NULL DEFAULT 0;`,
  // Price provenance (issue 12): the entry, source, data version (names ids) and tier each record
  // was priced with, so a later price change never silently rewrites history. Old rows keep NULL.
  2: `ALTER TABLE records ADD COLUMN priced_as INTEGER;
      ALTER TABLE records ADD COLUMN price_source INTEGER;
      ALTER TABLE records ADD COLUMN price_version INTEGER;
      ALTER TABLE records ADD COLUMN tier INTEGER;`,
  // Gateway requests (issue 13): project, route, status and the gateway token's id are names (ids in
  // `names`), ttfb in ms, reasoning tokens (already part of output). Older rows keep NULL / 0.
  3: `ALTER TABLE records ADD COLUMN project INTEGER;
      ALTER TABLE records ADD COLUMN route INTEGER;
      ALTER TABLE records ADD COLUMN status INTEGER;
      ALTER TABLE records ADD COLUMN ttfb INTEGER;
      ALTER TABLE records ADD COLUMN reasoning INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE records ADD COLUMN token INTEGER;
      CREATE INDEX IF NOT EXISTS records_by_token ON records (token) WHERE token IS NOT NULL;`,
  // Refused gateway requests (issue 13): kept apart from records, so a refusal is never a provider
  // request in rate limits, health, access counts or spend. Names are ids in `names`.
  4: `CREATE TABLE IF NOT EXISTS refusals (
        id INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        provider INTEGER NOT NULL,
        model INTEGER NOT NULL,
        client INTEGER,
        token INTEGER,
        project INTEGER,
        route INTEGER,
        latency INTEGER,
        detail TEXT NOT NULL
      );`,
};
