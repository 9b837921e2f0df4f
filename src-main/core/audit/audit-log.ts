import { closeSync, fstatSync, fsyncSync, openSync, readSync, statSync, ftruncateSync, writeSync } from 'node:fs';
import { nodeCrypto } from '../on-first-use.js';
import { stringify as canonicalJson } from 'safe-stable-stringify';
import type { AuditEntry, AuditFinding, AuditFindingKind, AuditVerifyResult } from '../../shared/audit.js';
import { KeywayError, isErrnoException, isKeywayError } from '../errors.js';
import { PRIVATE_FILE_MODE } from '../fs/atomic-write.js';
import { FileLock } from '../fs/file-lock.js';
import { readLines } from './read-lines.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The vault account holding the log's HMAC key and its head anchor (entry count and last MAC). */
export const AUDIT_VAULT_ACCOUNT = '@keyway/audit';

/** What a caller records; sequence, time and chain fields are filled in by the log. */
export type AuditEvent = Omit<AuditEntry, 'seq' | 'time' | 'prev' | 'hash' | 'keyed' | 'unsealed' | 'provider' | 'key_id' | 'fingerprint' | 'error_code' | 'detail'> &
  Partial<Pick<AuditEntry, 'provider' | 'key_id' | 'fingerprint' | 'error_code' | 'detail'>>;

/** The part of the secret store the log needs (a SecretStore satisfies it). */
export interface AuditVault {
  get(account: string): Promise<string | undefined>;
  set(account: string, value: string): Promise<void>;
}

interface Anchor {
  key: Buffer;
  count: number;
  mac: string;
}

/** The unkeyed seal of entries written before keying (and what a forger without the key recomputes). */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return nodeCrypto().createHash('sha256').update(entry.prev).update(canonicalJson(entry) ?? '').digest('hex');
}

function macEntry(key: Buffer, entry: Omit<AuditEntry, 'hash'>): string {
  return nodeCrypto().createHmac('sha256', key).update(entry.prev).update(canonicalJson(entry) ?? '').digest('hex');
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && nodeCrypto().timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The link the next entry must carry: the previous entry's seal, or a hash of an unreadable line. */
function linkOf(line: string, entry: AuditEntry | undefined): string {
  return typeof entry?.hash === 'string' ? entry.hash : nodeCrypto().createHash('sha256').update(line).digest('hex');
}

function parseEntry(line: string): AuditEntry | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as AuditEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** Entries the log writes about itself, and the finding each one stands for when verified. */
const RECORDED_FINDINGS: Record<string, AuditFindingKind> = {
  'audit.missing_tail': 'missing_tail',
  'audit.missing_file': 'missing_file',
  'audit.forged': 'forged',
  'audit.rekeyed': 'unverifiable',
};

interface Tail {
  exists: boolean;
  /** Complete lines in the file (the torn fragment, if any, not counted). */
  count: number;
  line: string | undefined;
  last: AuditEntry | undefined;
  /** Byte offset where an incomplete last line (no newline) starts, and its length. */
  torn: { at: number; bytes: number } | null;
}

/**
 * Append-only JSON lines. Each entry is sealed with an HMAC whose key lives in the vault (keychain
 * or .keys.enc), over the previous entry's seal and the entry itself, and the vault also keeps a
 * head anchor (entry count and last seal). So an edit, a removal, a rewrite with recomputed hashes,
 * a shortened, emptied or deleted file are all found by `verify`, and cannot be hidden by anyone
 * without the vault. Appends are fsynced before they return; an append that finds the file shorter
 * than the anchor records that in the log before continuing; an incomplete last line left by a
 * crash is removed and noted.
 */
export class AuditLog {
  readonly path: string;
  readonly #lock: FileLock;
  readonly #now: () => Date;
  readonly #vault: () => Promise<AuditVault>;

  constructor(path: string, now: () => Date, vault: () => Promise<AuditVault>) {
    this.path = path;
    this.#lock = new FileLock(`${path}.lock`);
    this.#now = now;
    this.#vault = vault;
  }

  /**
   * Appends one entry, fsynced, sealed and anchored. A process that cannot open the vault (no
   * SECRET_KEY, no keychain) still records what it did, as an entry marked unsealed that `verify`
   * lists as such; key changes never get there, since they need the vault themselves.
   */
  async append(event: AuditEvent): Promise<AuditEntry> {
    const vault = await this.#vault().catch((error: unknown) => {
      if (vaultUnavailable(error)) return null;
      throw error;
    });
    return this.#lock.run(async () => {
      try {
        return await this.#append(vault, event);
      } catch (error) {
        if (!isErrnoException(error)) throw error;
        throw new KeywayError(
          'audit_broken',
          `The audit log ${this.path} cannot be written (${error.code ?? 'error'}), so the change was not made. Make the file writable (or move it aside) and try again.`,
        );
      }
    });
  }

  async #append(reachable: AuditVault | null, event: AuditEvent): Promise<AuditEntry> {
    let vault = reachable;
    const anchor = vault
      ? await readAnchor(vault).catch((error: unknown) => {
          if (!vaultUnavailable(error)) throw error;
          vault = null;
          return undefined;
        })
      : undefined;
    const tail = this.#tail();
    const events: AuditEvent[] = [];
    if (tail.torn) {
      events.push({
        actor: 'system',
        action: 'audit.recovered',
        outcome: 'ok',
        detail: `removed an incomplete last entry (${tail.torn.bytes} bytes) left by an interrupted write`,
      });
    }
    const key = anchor?.key ?? nodeCrypto().randomBytes(32);
    if (vault) events.push(...this.#checkAgainst(anchor, tail, key));
    events.push(event);
    if (vault && !anchor) {
      // A new key is kept before anything is sealed with it: a crash between the two must never
      // leave entries sealed with a key no vault holds. The anchor names the log as it stands.
      await vault.set(AUDIT_VAULT_ACCOUNT, JSON.stringify({ v: 1, key: key.toString('base64'), count: tail.count, mac: tail.last?.hash ?? GENESIS_HASH }));
    }

    const written: AuditEntry[] = [];
    let seq = tail.count;
    let prev = tail.line === undefined ? GENESIS_HASH : linkOf(tail.line, tail.last);
    for (const next of events) {
      const body: Omit<AuditEntry, 'hash'> = {
        seq: ++seq,
        time: this.#now().toISOString(),
        actor: next.actor,
        action: next.action,
        provider: next.provider ?? null,
        key_id: next.key_id ?? null,
        fingerprint: next.fingerprint ?? null,
        outcome: next.outcome,
        error_code: next.error_code ?? null,
        detail: next.detail ?? null,
        ...(next.op ? { op: next.op } : {}),
        ...(vault ? { keyed: true as const } : { unsealed: true as const }),
        prev,
      };
      const entry: AuditEntry = { ...body, hash: vault ? macEntry(key, body) : hashEntry(body) };
      written.push(entry);
      prev = entry.hash;
    }
    const fd = openSync(this.path, 'a', PRIVATE_FILE_MODE);
    try {
      if (tail.torn) ftruncateSync(fd, tail.torn.at);
      writeSync(fd, written.map((e) => `${JSON.stringify(e)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const last = written.at(-1) as AuditEntry;
    // The entries are durable: a failed anchor update only lets the anchor lag, and the next
    // append moves it on (entries past the anchor still carry seals no one else can make).
    await vault?.set(AUDIT_VAULT_ACCOUNT, JSON.stringify({ v: 1, key: key.toString('base64'), count: last.seq, mac: last.hash })).catch(() => undefined);
    return written.at(-1) as AuditEntry;
  }

  /** Makes sure the log can be written (vault reachable, tail sound) before a change is applied. */
  async ready(): Promise<void> {
    const vault = await this.#vault();
    await readAnchor(vault);
  }

  /** The newest `limit` entries, oldest first (an incomplete last line from a crash is left out). */
  read(limit?: number): AuditEntry[] {
    const entries: AuditEntry[] = [];
    for (const { line, complete } of readLines(this.path)) {
      const entry = complete ? parseEntry(line) : undefined;
      if (entry) entries.push(entry);
      if (limit !== undefined && entries.length > limit) entries.shift();
    }
    return entries;
  }

  /** Entries recording the key change `op`, if its audit entry was written. */
  hasOp(op: string): boolean {
    try {
      for (const { line, complete } of readLines(this.path)) {
        if (complete && line.includes(op) && parseEntry(line)?.op === op) return true;
      }
    } catch (error) {
      // A log that cannot be read did not take the entry either.
      if (!isErrnoException(error)) throw error;
    }
    return false;
  }

  /** Checks every seal, the chain, and the head anchored in the vault; names each problem found. */
  async verify(): Promise<AuditVerifyResult> {
    const vault = await this.#vault();
    const anchor = await readAnchor(vault);
    const findings: AuditFinding[] = [];
    const notes: string[] = [];
    const found = (kind: AuditFindingKind, line: number | null, message: string): void => {
      findings.push({ kind, line, message });
    };

    const lines: { line: string; entry: AuditEntry | undefined }[] = [];
    const exists = fileExists(this.path);
    for (const { line, complete } of readLines(this.path)) {
      if (complete) lines.push({ line, entry: parseEntry(line) });
      else notes.push(`the last line is an incomplete entry (${Buffer.byteLength(line)} bytes) from an interrupted write; it is removed on the next write`);
    }

    // Entries before the last verified re-keying were sealed with a key this vault does not hold.
    let boundary = -1;
    if (anchor) {
      lines.forEach(({ entry }, index) => {
        if (entry?.action === 'audit.rekeyed' && entry.keyed && checkMac(anchor.key, entry)) boundary = index;
      });
    }

    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let sawKeyed = false;
    let reportedUnkeyed = false;
    let legacy = 0;
    const unsealed: number[] = [];
    for (const [index, { line, entry }] of lines.entries()) {
      const at = index + 1;
      if (!entry) {
        found('edited', at, `line ${at} is not a valid entry (it was edited or damaged)`);
        prev = linkOf(line, undefined);
        expectedSeq++;
        continue;
      }
      if (entry.seq !== expectedSeq) {
        found('missing_entry', at, `line ${at} holds entry ${String(entry.seq)} where entry ${expectedSeq} belongs (an entry was removed or moved)`);
      } else if (entry.prev !== prev) {
        found('missing_entry', at, `entry ${entry.seq} does not follow the entry before it (an entry was removed or moved)`);
      }
      expectedSeq = (typeof entry.seq === 'number' ? entry.seq : expectedSeq) + 1;
      const { hash, ...body } = entry;
      if (entry.keyed) {
        sawKeyed = true;
        if (index < boundary) {
          // Sealed with a key this vault does not hold: only the order above could be checked.
        } else if (!anchor) {
          if (!reportedUnkeyed) found('unverifiable', at, 'the vault holds no audit key, so sealed entries cannot be checked (another vault or secret store holds it)');
          reportedUnkeyed = true;
        } else if (!checkMac(anchor.key, entry)) {
          if (typeof hash === 'string' && hashEntry(body) === hash) found('forged', at, `entry ${entry.seq} was re-sealed without the vault's key (its hash was recomputed)`);
          else found('edited', at, `entry ${entry.seq} does not match its seal (it was edited)`);
        } else {
          recordedFinding(entry, at, found, notes);
        }
      } else if (entry.unsealed) {
        unsealed.push(entry.seq);
        if (hashEntry(body) !== hash) found('edited', at, `entry ${entry.seq} does not match its hash (it was edited)`);
      } else if (sawKeyed) {
        found('forged', at, `entry ${entry.seq} is unsealed but follows sealed entries (it was written without the vault's key)`);
      } else {
        legacy++;
        if (hashEntry(body) !== hash) found('edited', at, `entry ${entry.seq} does not match its hash (it was edited)`);
      }
      prev = linkOf(line, entry);
    }

    if (anchor && anchor.count > 0) {
      if (!exists) {
        found('missing_file', null, `${this.path} is missing, but the vault anchors ${anchor.count} entries`);
      } else {
        // Judged by sequence numbers, so an entry removed in the middle is not also a missing tail.
        const lastEntry = lines.findLast(({ entry }) => typeof entry?.seq === 'number')?.entry;
        const lastSeq = Math.max(lastEntry?.seq ?? 0, 0);
        if (lastSeq < anchor.count) {
          const what = lines.length === 0 ? 'the log is empty' : `the log ends at entry ${lastSeq}`;
          found('missing_tail', null, `${what}, but the vault anchors ${anchor.count} entries: ${missingRange(lastSeq + 1, anchor.count)}`);
        } else {
          const index = lines.findIndex(({ entry }) => entry?.seq === anchor.count);
          const anchored = lines[index]?.entry;
          if (!anchored || typeof anchored.hash !== 'string' || !sameHex(anchored.hash, anchor.mac)) {
            found('forged', index >= 0 ? index + 1 : null, `entry ${anchor.count} is not the entry the vault anchored (the log was rewritten)`);
          }
        }
      }
    } else if (!anchor && legacy > 0 && !sawKeyed) {
      notes.push(
        `the ${legacy} entries predate keying: they were checked by their unkeyed hash chain only, which cannot detect a rewrite with recomputed hashes or a removed tail; the next change seals them with the vault's key`,
      );
    }
    if (unsealed.length > 0) {
      const list = unsealed.length > 5 ? `${unsealed.slice(0, 5).join(', ')} and ${unsealed.length - 5} more` : unsealed.join(', ');
      notes.push(`entries ${list} were written by a process that could not open the vault: chained but not sealed, so they prove nothing on their own`);
    }
    if (anchor && legacy > 0 && sawKeyed) notes.push(`entries 1-${legacy} predate keying; the first sealed entry after them fixes their hash chain`);

    findings.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
    const first = findings[0];
    return {
      ok: findings.length === 0,
      entries: lines.length,
      first_broken_line: first?.line ?? (first ? lines.length : null),
      problem: first?.message ?? null,
      findings,
      notes,
    };
  }

  /** Compares the file's tail with the vault's anchor; returns the entries that record a mismatch. */
  #checkAgainst(anchor: Anchor | undefined, tail: Tail, key: Buffer): AuditEvent[] {
    const system = (action: string, detail: string, outcome: 'ok' | 'error' = 'error'): AuditEvent => ({
      actor: 'system',
      action,
      outcome,
      error_code: outcome === 'error' ? 'audit_broken' : null,
      detail,
    });
    if (!anchor) {
      if (tail.count === 0) return [];
      if (tail.last?.keyed) {
        return [system('audit.rekeyed', `the vault holds no key for the ${tail.count} sealed entries before this one (another vault or secret store was in use); entries from here on are sealed with this vault's key`)];
      }
      return [system('audit.keyed', `entries 1-${tail.count} were not sealed (written before keying, or without the vault); from here on every entry is sealed with the vault's key`, 'ok')];
    }
    if (tail.count < anchor.count) {
      if (!tail.exists) return [system('audit.missing_file', `the log file was missing; the vault anchored ${anchor.count} entries`)];
      const what = tail.count === 0 ? 'the log was empty' : `the log ended at entry ${tail.count}`;
      return [system('audit.missing_tail', `${what}, but the vault anchored ${anchor.count} entries: ${missingRange(tail.count + 1, anchor.count)}`)];
    }
    if (tail.count === anchor.count && tail.count > 0 && !(tail.last && typeof tail.last.hash === 'string' && sameHex(tail.last.hash, anchor.mac))) {
      return [system('audit.forged', `entry ${tail.count} was not the entry the vault anchored (the log was rewritten)`)];
    }
    if (tail.count > anchor.count && !tail.last?.unsealed && !(tail.last?.keyed && checkMac(key, tail.last))) {
      return [system('audit.forged', `entry ${tail.count} was not sealed with the vault's key (the log was rewritten)`)];
    }
    return [];
  }

  /** Reads only the file's end, so appending stays cheap however long the log grows. */
  #tail(): Tail {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return { exists: false, count: 0, line: undefined, last: undefined, torn: null };
      throw error;
    }
    try {
      const size = fstatSync(fd).size;
      if (size === 0) return { exists: true, count: 0, line: undefined, last: undefined, torn: null };
      for (let window = 4096; ; window *= 4) {
        const start = Math.max(0, size - window);
        const buffer = Buffer.alloc(size - start);
        readSync(fd, buffer, 0, buffer.length, start);
        const end = buffer.lastIndexOf(0x0a);
        if (end < 0 && start > 0) continue;
        const torn = end === buffer.length - 1 ? null : { at: start + end + 1, bytes: buffer.length - end - 1 };
        if (end < 0) return { exists: true, count: 0, line: undefined, last: undefined, torn };
        const begin = end > 0 ? buffer.lastIndexOf(0x0a, end - 1) : -1;
        if (begin < 0 && start > 0) continue;
        const line = buffer.subarray(begin + 1, end).toString('utf8');
        const last = parseEntry(line);
        const count = typeof last?.seq === 'number' && Number.isInteger(last.seq) && last.seq > 0 ? last.seq : this.#countLines();
        return { exists: true, count, line, last, torn };
      }
    } finally {
      closeSync(fd);
    }
  }

  #countLines(): number {
    let count = 0;
    for (const { complete } of readLines(this.path)) if (complete) count++;
    return count;
  }
}

/** The vault cannot be opened or read: a state to record around, not a fault in the log. */
function vaultUnavailable(error: unknown): boolean {
  return isKeywayError(error) && ['secret_store_unavailable', 'secret_key_missing', 'secret_key_mismatch', 'vault_corrupt'].includes(error.code);
}

function missingRange(from: number, to: number): string {
  return from === to ? `entry ${from} is missing` : `entries ${from}-${to} are missing`;
}

function checkMac(key: Buffer, entry: AuditEntry): boolean {
  const { hash, ...body } = entry;
  return typeof hash === 'string' && sameHex(macEntry(key, body), hash);
}

function recordedFinding(entry: AuditEntry, line: number, found: (kind: AuditFindingKind, line: number | null, message: string) => void, notes: string[]): void {
  const kind = RECORDED_FINDINGS[entry.action];
  if (kind) found(kind, line, `noticed at ${entry.time}: ${entry.detail ?? entry.action}`);
  else if (entry.action === 'audit.recovered') notes.push(`entry ${entry.seq}: ${entry.detail ?? 'recovered an interrupted write'}`);
}

async function readAnchor(vault: AuditVault): Promise<Anchor | undefined> {
  const raw = await vault.get(AUDIT_VAULT_ACCOUNT);
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as { key?: unknown; count?: unknown; mac?: unknown };
    if (typeof parsed.key === 'string' && typeof parsed.count === 'number' && typeof parsed.mac === 'string') {
      const key = Buffer.from(parsed.key, 'base64');
      if (key.length === 32) return { key, count: parsed.count, mac: parsed.mac };
    }
  } catch {
    // fall through: an unreadable anchor is reported like a missing one
  }
  return undefined;
}

function fileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return false;
    throw error;
  }
}
