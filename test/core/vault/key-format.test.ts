import { describe, expect, it } from 'vitest';
import { checkKeyFormat, fingerprintKey, maskKey } from '../../../src-main/core/vault/key-format.js';
import type { ProviderId } from '../../../src-main/shared/providers.js';

describe('checkKeyFormat', () => {
  it.each<[ProviderId, string, string]>([
    ['anthropic', '', 'empty'],
    ['anthropic', '   \n', 'empty'],
    ['anthropic', 'sk-proj-CANARYabcdef', 'sk-ant-'],
    ['openai', 'pk-CANARYabcdef1234', '"sk-"'],
    ['google', 'CANARY-too-short', 'at least 20'],
    ['openai', 'sk-CANARY abc def', 'whitespace'],
    ['anthropic', 'sk-ant-CANARY\u00e9xyz', 'characters'],
  ])('refuses a %s key %j naming the rule (%s)', (provider, raw, rule) => {
    expect(() => checkKeyFormat(provider, raw)).toThrowError(expect.objectContaining({ code: 'invalid_key_format', message: expect.stringContaining(rule) }));
  });

  it('never repeats the refused value in its message', () => {
    const raw = 'pk-CANARYdeadbeef0001';
    try {
      checkKeyFormat('openai', raw);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('CANARY');
    }
  });

  it('trims surrounding whitespace and newlines', () => {
    expect(checkKeyFormat('anthropic', '  sk-ant-test-CANARY01\n').value).toBe('sk-ant-test-CANARY01');
  });

  it('warns when an Anthropic key is added as openai', () => {
    expect(checkKeyFormat('openai', 'sk-ant-test-CANARY01').warnings[0]).toMatch(/Anthropic key/);
  });

  it('accepts a Google key of exactly 20 characters and any local key', () => {
    expect(checkKeyFormat('google', 'x'.repeat(20)).value).toHaveLength(20);
    expect(checkKeyFormat('local', 'anything').warnings).toEqual([]);
  });
});

describe('maskKey and fingerprintKey', () => {
  it('shows the provider prefix and the last four characters only', () => {
    expect(maskKey('sk-ant-api03-CANARY-secret-x7Qz')).toBe('sk-ant-...x7Qz');
    expect(maskKey('sk-proj-CANARY-secret-abcd')).toBe('sk-proj-...abcd');
    expect(maskKey('AIzaCANARYsecretvalue9999')).toBe('AIza...9999');
    expect(maskKey('short')).toBe('...');
  });

  it('keys the fingerprint: equal values match under one install secret, and the plain sha256 of a short value is not it', () => {
    const secret = Buffer.alloc(32, 7);
    expect(fingerprintKey('hunter2', secret)).toMatch(/^[0-9a-f]{12}$/);
    expect(fingerprintKey('hunter2', secret)).toBe(fingerprintKey('hunter2', Buffer.alloc(32, 7)));
    expect(fingerprintKey('hunter2', secret)).not.toBe(fingerprintKey('hunter2', Buffer.alloc(32, 8)));
    // sha256("hunter2") starts f52fbd32b2b3: a guess hashed without the secret no longer matches.
    expect(fingerprintKey('hunter2', secret)).not.toBe('f52fbd32b2b3');
  });
});
