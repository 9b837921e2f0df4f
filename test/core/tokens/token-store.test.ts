import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenStore, TOKENS_FILE } from '../../../src-main/core/tokens/token-store.js';
import { tempDir } from '../../support/temp-dir.js';

function storeAt(dataDir: string, clock = { now: Date.parse('2026-12-01T10:00:00Z') }): TokenStore {
  return new TokenStore({ dataDir, now: () => clock.now });
}

describe('TokenStore', () => {
  it('hands the token out once and keeps only its hash on disk', async () => {
    const dir = tempDir();
    const store = storeAt(dir);
    const { token, record } = await store.create({ kind: 'editor', name: 'cursor' });
    expect(token).toMatch(/^kw_editor_[A-Za-z0-9_-]{43}$/);
    const file = readFileSync(join(dir, TOKENS_FILE), 'utf8');
    expect(file).not.toContain(token);
    expect(file).not.toContain(token.slice(10));
    expect(statSync(join(dir, TOKENS_FILE)).mode & 0o777).toBe(0o600);
    expect(store.verify(token)).toMatchObject({ id: record.id, kind: 'editor', name: 'cursor' });
  });

  it('refuses unknown, malformed, wrong-kind, revoked and expired tokens', async () => {
    const clock = { now: Date.parse('2026-12-01T10:00:00Z') };
    const store = storeAt(tempDir(), clock);
    const editor = await store.create({ kind: 'editor', name: 'vscode' });
    const gateway = await store.create({ kind: 'gateway', name: 'exec', expires_in_s: 60, scope: { providers: ['openai'], max_spend_usd: 2 } });
    expect(store.verify(undefined)).toBeNull();
    expect(store.verify('')).toBeNull();
    expect(store.verify(`${editor.token}x`)).toBeNull();
    expect(store.verify(editor.token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toBeNull();
    expect(store.verify(editor.token, 'dashboard')).toBeNull();
    expect(store.verify(gateway.token, 'gateway')?.scope).toEqual({ providers: ['openai'], max_spend_usd: 2 });

    await store.revoke(editor.record.id);
    expect(store.verify(editor.token)).toBeNull();
    clock.now += 61_000;
    expect(store.verify(gateway.token)).toBeNull();
    expect(store.list().map((t) => t.id)).toEqual([gateway.record.id, editor.record.id]);
    expect(store.get(editor.record.id)?.revoked_at).toBe('2026-12-01T10:00:00.000Z');
  });

  it('sees a revocation made by another process', async () => {
    const dir = tempDir();
    const clock = { now: Date.parse('2026-12-01T10:00:00Z') };
    const service = storeAt(dir, clock);
    const cli = storeAt(dir, clock);
    const { token, record } = await service.create({ kind: 'gateway', name: 'agent' });
    expect(cli.verify(token)).not.toBeNull();
    await cli.revoke(record.id);
    clock.now += 1000;
    expect(service.verify(token)).toBeNull();
  });

  it('names a damaged file and what to do, and never loads an oversized one', async () => {
    const dir = tempDir();
    const store = storeAt(dir);
    writeFileSync(join(dir, TOKENS_FILE), '{"version":1,"tokens":[{"id":"nope"}]}');
    expect(() => store.list()).toThrow(/tokens\.json is damaged \(tokens\.0\.id.*keyway tokens create/);
    writeFileSync(join(dir, TOKENS_FILE), 'x'.repeat(2 * 1024 * 1024));
    expect(() => storeAt(dir).list()).toThrow(/The token file .*tokens\.json is larger than 1 MiB, the limit; move it aside/);
  });

  it('says which id was not found when revoking', async () => {
    await expect(storeAt(tempDir()).revoke('tok_000000000000')).rejects.toThrow(/No token has the id tok_000000000000/);
  });
});

describe('TokenStore across processes', () => {
  it('accepts a token another process created a moment ago', async () => {
    const dir = tempDir();
    const clock = { now: Date.parse('2026-12-01T10:00:00Z') };
    const service = storeAt(dir, clock);
    expect(service.list()).toEqual([]);
    const { token } = await storeAt(dir, clock).create({ kind: 'gateway', name: 'exec:python' });
    expect(service.verify(token, 'gateway')?.name).toBe('exec:python');
  });
});
