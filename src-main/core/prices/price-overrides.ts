import { nodeCrypto } from '../on-first-use.js';
import { readFileSync, statSync } from 'node:fs';
import { PriceOverridesSchema, type PriceOverrides as OverridesFile } from '../../shared/prices.js';
import type { ProviderId } from '../../shared/providers.js';
import { isErrnoException, isKeywayError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { readBoundedSync } from '../fs/bounded-read.js';
import { lineOfPath, syntaxErrorLine } from './json-lines.js';
import { microRates, type MicroPeriod } from './micro-rates.js';

/** prices.json is a small hand-written file; anything larger is a mistake, not prices. */
const MAX_OVERRIDES_BYTES = 1024 * 1024;
/** How often a lookup may stat prices.json to notice an edit. */
const RECHECK_MS = 1000;

export interface OverrideTable {
  /** Per provider: model id as written -> its price. */
  models: ReadonlyMap<ProviderId, ReadonlyMap<string, MicroPeriod>>;
  /** `prices.json <first 12 hex of sha256>`: stored with each record it priced. */
  version: string;
}

export interface OverrideState {
  state: 'absent' | 'ok' | 'invalid';
  /** What is wrong with the file (field and line), when invalid. */
  problem: string | null;
  /** The overrides in force: the file's, or the last good ones while it is invalid. */
  table: OverrideTable | null;
}

const EMPTY: OverrideState = { state: 'absent', problem: null, table: null };

/**
 * The user's prices.json, re-read only when its size or mtime changes (checked at most once a
 * second, never per lookup). A malformed file is reported with the field and line, and the last
 * good overrides stay in force: in memory, and across processes through `<file>.last-good`.
 */
export class PriceOverrides {
  readonly path: string;
  readonly #lastGoodPath: string;
  #state: OverrideState = EMPTY;
  #stamp: string | null | undefined;
  #checkedAt = -Infinity;
  #lastGood: OverrideTable | null | undefined;

  constructor(path: string) {
    this.path = path;
    this.#lastGoodPath = `${path}.last-good`;
  }

  /** The state in force; `changed` is true when this call re-read the file. */
  current(nowMs = Date.now()): { state: OverrideState; changed: boolean } {
    if (nowMs - this.#checkedAt < RECHECK_MS) return { state: this.#state, changed: false };
    this.#checkedAt = nowMs;
    const stamp = fileStamp(this.path);
    if (stamp === this.#stamp) return { state: this.#state, changed: false };
    this.#stamp = stamp;
    this.#state = stamp === null ? EMPTY : this.#load();
    return { state: this.#state, changed: true };
  }

  /** Forget what was read, so the next lookup reads prices.json again. */
  invalidate(): void {
    this.#checkedAt = -Infinity;
    this.#stamp = undefined;
  }

  #load(): OverrideState {
    const read = readBounded(this.path);
    if (typeof read !== 'string') return this.#invalid(read.problem);
    const parsed = parseOverrides(this.path, read);
    if ('problem' in parsed) return this.#invalid(parsed.problem);
    this.#lastGood = parsed.table;
    this.#keepLastGood(read);
    return { state: 'ok', problem: null, table: parsed.table };
  }

  #invalid(problem: string): OverrideState {
    const lastGood = this.#readLastGood();
    const kept = lastGood ? ' The last good overrides stay in force until it is fixed.' : ' No overrides are in force until it is fixed.';
    return { state: 'invalid', problem: `${problem}${kept}`, table: lastGood };
  }

  #keepLastGood(text: string): void {
    try {
      let previous: string | null = null;
      try {
        previous = readFileSync(this.#lastGoodPath, 'utf8');
      } catch {
        // No copy yet.
      }
      if (previous !== text) writeFileAtomic(this.#lastGoodPath, text);
    } catch {
      // A read-only data dir only loses the cross-process copy; the overrides are in force anyway.
    }
  }

  #readLastGood(): OverrideTable | null {
    if (this.#lastGood !== undefined) return this.#lastGood;
    const text = readBounded(this.#lastGoodPath);
    const parsed = typeof text === 'string' ? parseOverrides(this.#lastGoodPath, text) : null;
    this.#lastGood = parsed && 'table' in parsed ? parsed.table : null;
    return this.#lastGood;
  }
}

function fileStamp(path: string): string | null {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return null;
    return `unreadable:${isErrnoException(error) ? error.code : 'error'}`;
  }
}

function readBounded(path: string): string | { problem: string } {
  try {
    return readBoundedSync(path, { maxBytes: MAX_OVERRIDES_BYTES, what: 'The price list', remedy: 'it is ignored' }).toString('utf8');
  } catch (error) {
    if (isKeywayError(error)) return { problem: error.message };
    return { problem: `${path} is unreadable (${isErrnoException(error) ? error.code : 'error'}).` };
  }
}

/** Parses and validates prices.json text; a problem names the field and its line. */
export function parseOverrides(path: string, text: string): { table: OverrideTable } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const line = error instanceof SyntaxError ? syntaxErrorLine(text, error) : null;
    const why = error instanceof SyntaxError ? error.message : 'invalid JSON';
    return { problem: `${path}${line === null ? '' : ` line ${line}`} is not valid JSON: ${why}.` };
  }
  const result = PriceOverridesSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 5).map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
      return `${field} (line ${lineOfPath(text, issue.path)}): ${message}`;
    });
    return { problem: `${path} is invalid: ${problems.join('; ')}.` };
  }
  return { table: compileOverrides(result.data, text) };
}

function compileOverrides(overrides: OverridesFile, text: string): OverrideTable {
  const models = new Map<ProviderId, Map<string, MicroPeriod>>();
  for (const [provider, entries] of Object.entries(overrides)) {
    const table = new Map<string, MicroPeriod>();
    for (const [model, p] of Object.entries(entries ?? {})) {
      const base = microRates(p);
      const tiers = [...(p.tiers ?? [])]
        .sort((a, b) => a.above_input_tokens - b.above_input_tokens)
        .map((t) => ({ above: t.above_input_tokens, rates: microRates(t) }));
      table.set(model, { fromMs: -Infinity, base, tiers });
    }
    models.set(provider as ProviderId, table);
  }
  return { models, version: `prices.json ${nodeCrypto().createHash('sha256').update(text).digest('hex').slice(0, 12)}` };
}
