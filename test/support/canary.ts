import { randomBytes } from 'node:crypto';
import type { ProviderId } from '../../src-main/shared/providers.js';

/**
 * Obviously fake secrets that still pass each provider's format check. Every value carries the
 * word CANARY plus random hex, so a scan for it finds any leak and never matches a real key.
 */
export function canaryKey(provider: ProviderId): string {
  const tag = `CANARY${randomBytes(8).toString('hex')}`;
  switch (provider) {
    case 'anthropic':
      return `sk-ant-test-${tag}`;
    case 'openai':
      return `sk-test-${tag}`;
    case 'google':
      return `google-test-${tag}`;
    case 'local':
      return `local-test-${tag}`;
  }
}

/** The part of a canary that must never appear in any output or file. */
export function canaryCore(secret: string): string {
  return secret.slice(secret.indexOf('CANARY'));
}
