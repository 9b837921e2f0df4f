import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeywayService } from '../../../src-main/core/service.js';
import { writeJournal } from '../../../src-main/core/vault/key-journal.js';
import { deriveSealingKey, seal } from '../../../src-main/core/vault/sealed-box.js';
import { FINGERPRINT_ACCOUNT, JOURNAL_ACCOUNT, isKeyAccount } from '../../../src-main/core/vault/vault-accounts.js';
import { canaryKey } from '../../support/canary.js';
import { TEST_SECRET_KEY, openTestService } from '../../support/service.js';
import { tempDir } from '../../support/temp-dir.js';

const CLI = { actor: 'cli' };

/** A second service on the same data dir: what the next Keyway start sees. */
function reopen(service: KeywayService): KeywayService {
  return KeywayService.open({ dataDir: service.dataDir, store: 'file', env: { SECRET_KEY: TEST_SECRET_KEY } });
}

describe('key changes are all or nothing', () => {
  it('does not apply a key change whose audit entry cannot be written', async () => {
    const service = openTestService();
    const first = canaryKey('openai');
    const { key } = await service.addKey({ provider: 'openai', api_key: first }, CLI);
    const audit = join(service.dataDir, 'audit.jsonl');
    const kept = readFileSync(audit);
    rmSync(audit);
    mkdirSync(audit);

    await expect(service.addKey({ provider: 'openai', label: 'work', api_key: canaryKey('openai') }, CLI)).rejects.toMatchObject({
      code: 'audit_broken',
      message: expect.stringContaining('the change was not made'),
    });
    await expect(service.rotateKey({ provider: 'openai', new_api_key: canaryKey('openai') }, CLI)).rejects.toMatchObject({ code: 'audit_broken' });
    await expect(service.removeKey({ provider: 'openai' }, CLI)).rejects.toMatchObject({ code: 'audit_broken' });

    expect(service.listKeys().keys).toEqual([key]);
    const store = await service.keys.store();
    expect((await store.accounts()).filter(isKeyAccount)).toEqual(['openai:default']);
    expect((await service.keys.getSecret('openai')).current).toBe(first);
    expect(await store.get(JOURNAL_ACCOUNT)).toBeUndefined();

    rmSync(audit, { recursive: true });
    writeFileSync(audit, kept);
    await service.removeKey({ provider: 'openai' }, CLI);
    expect(service.listKeys().keys).toEqual([]);
  });

  it('undoes, on the next open, a change interrupted before its audit entry, and audits the undo', async () => {
    const service = openTestService();
    const old = canaryKey('anthropic');
    const { key: before } = await service.addKey({ provider: 'anthropic', api_key: old }, CLI);
    // The state a crash leaves mid-rotation: journal written, new secret stored, record not yet.
    const store = await service.keys.store();
    const fresh = canaryKey('anthropic');
    await writeJournal(store, {
      op: randomUUID(),
      action: 'key.rotate',
      actor: 'cli',
      key_id: before.id,
      before: { record: before, secret: old, previous: null },
      after: { record: { ...before, fingerprint: 'ffffffffffff' }, secret: fresh, previous: old },
      detail: null,
    });
    await store.set(before.id, fresh);
    await store.set(`${before.id}#previous`, old);

    const next = reopen(service);
    await next.keys.store();
    expect((await next.keys.getSecret('anthropic')).current).toBe(old);
    expect(next.listKeys().keys).toEqual([before]);
    expect((await store.accounts()).filter(isKeyAccount)).toEqual(['anthropic:default']);
    expect(await store.get(JOURNAL_ACCOUNT)).toBeUndefined();
    expect(next.auditEntries().at(-1)).toMatchObject({
      actor: 'system',
      action: 'key.undo',
      key_id: before.id,
      fingerprint: before.fingerprint,
      detail: expect.stringContaining('undid an interrupted key.rotate by cli'),
    });
    expect((await next.verifyAudit()).ok).toBe(true);
    // A retry now works: the old bug answered "the new key is the same as the current one".
    await expect(next.rotateKey({ provider: 'anthropic', new_api_key: fresh }, CLI)).resolves.toMatchObject({ key: { masked: `sk-ant-...${fresh.slice(-4)}` } });
  });

  it('finishes, on the next open, a change whose audit entry was written', async () => {
    const service = openTestService();
    const secret = canaryKey('google');
    const { key } = await service.addKey({ provider: 'google', api_key: secret }, CLI);
    const store = await service.keys.store();
    // The audit entry of the add carried its op; leave its journal behind as if the crash came just before clearing it.
    const op = service.auditEntries().at(-1)?.op as string;
    await writeJournal(store, { op, action: 'key.add', actor: 'cli', key_id: key.id, before: { record: null, secret: null, previous: null }, after: { record: key, secret, previous: null }, detail: null });
    const next = reopen(service);
    await next.keys.store();
    expect(next.listKeys().keys).toEqual([key]);
    expect((await next.keys.getSecret('google')).current).toBe(secret);
    expect(await store.get(JOURNAL_ACCOUNT)).toBeUndefined();
    expect(next.auditEntries().map((e) => e.action)).toEqual(['key.add']);
  });

  it('keeps working after a torn last audit line (a crash mid-append) and notes the repair', async () => {
    const service = openTestService();
    await service.addKey({ provider: 'openai', api_key: canaryKey('openai') }, CLI);
    appendFileSync(join(service.dataDir, 'audit.jsonl'), '{"seq":2,"time":"2026-01-0');
    await expect(service.addKey({ provider: 'openai', label: 'b', api_key: canaryKey('openai') }, CLI)).resolves.toMatchObject({ created: true });
    expect(service.auditEntries().map((e) => e.action)).toEqual(['key.add', 'audit.recovered', 'key.add']);
    const verified = await service.verifyAudit();
    expect(verified).toMatchObject({ ok: true, entries: 3 });
    expect(verified.notes.join(' ')).toMatch(/removed an incomplete last entry/);
  });
});

describe('keyed fingerprints', () => {
  it('gives equal keys equal fingerprints that a hash of a guess does not reproduce', async () => {
    const service = openTestService();
    const value = canaryKey('local');
    const a = await service.addKey({ provider: 'local', label: 'a', api_key: value }, CLI);
    const b = await service.addKey({ provider: 'local', label: 'b', api_key: value }, CLI);
    expect(a.key.fingerprint).toBe(b.key.fingerprint);
    expect(a.key.fingerprint).not.toBe(createHash('sha256').update(value).digest('hex').slice(0, 12));
  });

  it('re-keys the fingerprints of records written before keying, once, on open, and audits it', async () => {
    const service = openTestService();
    const secret = canaryKey('openai');
    const { key } = await service.addKey({ provider: 'openai', api_key: secret }, CLI);
    // Make the data dir look like an older install: plain sha256 fingerprints, no fingerprint key.
    const plain = createHash('sha256').update(secret).digest('hex').slice(0, 12);
    await service.settings.update((data) => {
      (data.keys[key.id] as { fingerprint: string }).fingerprint = plain;
    });
    await (await service.keys.store()).delete(FINGERPRINT_ACCOUNT);

    const next = reopen(service);
    await next.keys.store();
    const migrated = next.listKeys().keys[0];
    expect(migrated?.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(migrated?.fingerprint).not.toBe(plain);
    expect(next.auditEntries().at(-1)).toMatchObject({ actor: 'system', action: 'key.fingerprints_keyed', detail: expect.stringContaining('1 key records') });
    // Equal keys still match: adding the same value under another label gives the same fingerprint.
    const again = await next.addKey({ provider: 'openai', label: 'copy', api_key: secret }, CLI);
    expect(again.key.fingerprint).toBe(migrated?.fingerprint);
    const third = reopen(next);
    await third.keys.store();
    expect(third.auditEntries().filter((e) => e.action === 'key.fingerprints_keyed')).toHaveLength(1);
  });
});

describe('backup files', () => {
  async function exported(): Promise<{ service: KeywayService; path: string }> {
    const service = openTestService();
    await service.addKey({ provider: 'openai', api_key: canaryKey('openai') }, CLI);
    const path = join(tempDir(), 'keys.backup');
    await service.exportKeys(path, 'backup-passphrase', CLI);
    return { service, path };
  }

  it.each([
    ['salt', 10],
    ['cost', 5],
  ])('tells a flipped %s byte apart from a wrong passphrase', async (_name, at) => {
    const { path } = await exported();
    const bytes = readFileSync(path);
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    writeFileSync(path, bytes);
    const target = openTestService();
    await expect(target.importKeys(path, 'backup-passphrase', CLI)).rejects.toMatchObject({ code: 'backup_invalid', message: expect.stringContaining('damaged header') });
    expect(target.listKeys().keys).toEqual([]);
  });

  it.each([
    ['an unknown provider', { format: 'keyway-backup', version: 1, exported_at: 'x', keys: [{ provider: 'evil', label: 'a', secret: 's', source: 'value', created_at: '2026-01-01T00:00:00.000Z' }] }, /keys\.0\.provider/],
    ['a key without its secret', { format: 'keyway-backup', version: 1, exported_at: 'x', keys: [{ provider: 'openai', label: 'a', source: 'value', created_at: '2026-01-01T00:00:00.000Z' }] }, /keys\.0\.secret/],
    ['keys that are not a list', { format: 'keyway-backup', version: 1, exported_at: 'x', keys: { a: 1 } }, /keys:/],
    ['a bad label', { format: 'keyway-backup', version: 1, exported_at: 'x', keys: [{ provider: 'openai', label: '../x', secret: 'sk-test-CANARYabcdef0123456789', source: 'value', created_at: '2026-01-01T00:00:00.000Z' }] }, /keys\.0\.label/],
  ])('validates the backup contents field by field: refuses %s and imports nothing', async (_name, content, field) => {
    const path = join(tempDir(), 'forged.backup');
    writeFileSync(path, seal(Buffer.from(JSON.stringify(content)), deriveSealingKey('backup-passphrase', undefined, 10), 'KWB1'));
    const target = openTestService();
    await expect(target.importKeys(path, 'backup-passphrase', CLI)).rejects.toMatchObject({ code: 'backup_invalid', message: expect.stringMatching(field) });
    expect(target.listKeys().keys).toEqual([]);
  });

  it('takes an export back when its audit entry cannot be written', async () => {
    const { service } = await exported();
    const audit = join(service.dataDir, 'audit.jsonl');
    rmSync(audit);
    mkdirSync(audit);
    const path = join(tempDir(), 'second.backup');
    await expect(service.exportKeys(path, 'backup-passphrase', CLI)).rejects.toMatchObject({ code: 'audit_broken' });
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
  });
});
