import { nodeCrypto } from '../on-first-use.js';
import { judgeKeyFormat } from '../../shared/key-format.js';
import type { ProviderId } from '../../shared/providers.js';
import { KeywayError } from '../errors.js';

export interface CheckedKey {
  value: string;
  warnings: string[];
}

const KNOWN_PREFIXES = ['sk-ant-', 'sk-proj-', 'sk-', 'AIza'];

/** The shared format rule (shared/key-format.ts), as a throwing check for the vault. */
export function checkKeyFormat(provider: ProviderId, raw: string): CheckedKey {
  const { value, problem, warnings } = judgeKeyFormat(provider, raw);
  if (problem !== null) throw new KeywayError('invalid_key_format', `That ${provider} key is not valid: ${problem}.`);
  return { value, warnings };
}

/** `sk-ant-...x7Qz`: the provider prefix and the last four characters, nothing else. */
export function maskKey(value: string): string {
  const prefix = KNOWN_PREFIXES.find((p) => value.startsWith(p) && value.length >= p.length + 8) ?? '';
  const tail = value.length >= 12 ? value.slice(-4) : '';
  return `${prefix}...${tail}`;
}

/**
 * The first 12 hex digits of an HMAC-SHA256 under this install's fingerprint key (kept in the
 * vault): equal keys get equal fingerprints, and without the vault no guess can be checked against
 * one, however short the value.
 */
export function fingerprintKey(value: string, fingerprintSecret: Buffer): string {
  return nodeCrypto().createHmac('sha256', fingerprintSecret).update(value, 'utf8').digest('hex').slice(0, 12);
}
