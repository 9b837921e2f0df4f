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
  prev: string;
  hash: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  /** 1-based line number of the first entry that does not verify. */
  first_broken_line: number | null;
  problem: string | null;
}
