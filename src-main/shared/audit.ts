import type { ErrorCode } from './errors.js';
import type { ProviderId } from './providers.js';

/** Who did it: `cli`, `gui`, `mcp:<client name>@<version>`, `gateway`, `system`. */
export type Actor = string;

export interface AuditEntry {
  seq: number;
  time: string;
  actor: Actor;
  action: string;
  provider: ProviderId | null;
  key_id: string | null;
  fingerprint: string | null;
  outcome: 'ok' | 'error';
  error_code: ErrorCode | null;
  detail: string | null;
  /** The key change this entry completes (vault journal id), when it records one. */
  op?: string;
  /** Set on entries sealed with the vault's audit key (HMAC); absent on entries from before keying. */
  keyed?: true;
  /** Set on entries written by a process that could not open the vault: chained, not sealed. */
  unsealed?: true;
  prev: string;
  /** HMAC-SHA256 with the vault's audit key over `prev` and the entry (keyed); sha256 on older entries. */
  hash: string;
}

/**
 * What `keyway audit verify` can find:
 * - `edited`: an entry's contents do not match its seal;
 * - `missing_entry`: an entry in the middle was removed or moved;
 * - `missing_tail`: the log ends before the last entry the vault anchored (or was emptied);
 * - `missing_file`: the log file is gone while the vault anchors entries;
 * - `forged`: entries re-sealed without the vault's key (recomputed hashes, rewritten history);
 * - `unverifiable`: the vault holds no key for sealed entries (another vault or store was in use).
 */
export type AuditFindingKind = 'edited' | 'missing_entry' | 'missing_tail' | 'missing_file' | 'forged' | 'unverifiable';

export interface AuditFinding {
  kind: AuditFindingKind;
  /** 1-based line in audit.jsonl, when the finding is about one line. */
  line: number | null;
  message: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  /** 1-based line number of the first entry that does not verify. */
  first_broken_line: number | null;
  problem: string | null;
  /** Everything found, in log order; empty when ok. */
  findings: AuditFinding[];
  /** Facts that do not break the log: entries from before keying, a recovered interrupted write. */
  notes: string[];
}
