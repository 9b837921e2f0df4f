import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServiceEventMap } from '../../../src-main/shared/events.js';
import { isKeyAccount } from '../../../src-main/core/vault/vault-accounts.js';
import { canaryCore, canaryKey } from '../../support/canary.js';
import { openTestService } from '../../support/service.js';
import { tempDir } from '../../support/temp-dir.js';

const CLI = { actor: 'cli' };

describe('KeyVault through KeywayService', () => {
  it('adds a key from a value and lists it masked with its fingerprint, never the secret', async () => {
    const service = openTestService();
    const secret = canaryKey('anthropic');
    const added = await service.addKey({ provider: 'anthropic', api_key: `  ${secret}\n` }, CLI);
    expect(added.created).toBe(true);
    expect(added.key).toMatchObject({ id: 'anthropic:default', label: 'default', source: 'value', store: 'file', validation: 'format_ok' });
    expect(added.key.masked).toBe(`sk-ant-...${secret.slice(-4)}`);
    const listed = service.listKeys();
    expect(listed.keys).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(canaryCore(secret));
    expect((await service.keys.getSecret('anthropic')).current).toBe(secret);
  });

  it('keeps several labelled keys per provider and filters by provider', async () => {
    const service = openTestService();
    await service.addKey({ provider: 'openai', label: 'work', api_key: canaryKey('openai') }, CLI);
    await service.addKey({ provider: 'openai', label: 'personal', api_key: canaryKey('openai') }, CLI);
    await service.addKey({ provider: 'google', api_key: canaryKey('google') }, CLI);
    expect(service.listKeys({ provider: 'openai' }).keys.map((k) => k.label)).toEqual(['personal', 'work']);
    expect(service.listKeys().keys).toHaveLength(3);
  });

  it('updates an existing provider+label in place and audits it as an update', async () => {
    const service = openTestService();
    const first = await service.addKey({ provider: 'openai', api_key: canaryKey('openai') }, CLI);
    const second = await service.addKey({ provider: 'openai', api_key: canaryKey('openai') }, CLI);
    expect(second.created).toBe(false);
    expect(second.key.created_at).toBe(first.key.created_at);
    expect(second.key.fingerprint).not.toBe(first.key.fingerprint);
    expect(service.auditEntries().map((e) => e.action)).toEqual(['key.add', 'key.update']);
  });

  it('reads env_var from the caller env, then the service env, then ./.env', async () => {
    const cwd = tempDir();
    const fromFile = canaryKey('anthropic');
    writeFileSync(join(cwd, '.env'), `# comment\nFROM_FILE="${fromFile}"\n`);
    const fromEnv = canaryKey('anthropic');
    const fromCaller = canaryKey('anthropic');
    const service = openTestService({ cwd, env: { FROM_ENV: fromEnv, BOTH: fromEnv } });
    await service.addKey({ provider: 'anthropic', label: 'file', env_var: 'FROM_FILE' }, CLI);
    await service.addKey({ provider: 'anthropic', label: 'env', env_var: 'FROM_ENV' }, CLI);
    await service.addKey({ provider: 'anthropic', label: 'caller', env_var: 'BOTH' }, { actor: 'mcp:test', callerEnv: { BOTH: fromCaller } });
    expect((await service.keys.getSecret('anthropic', 'file')).current).toBe(fromFile);
    expect((await service.keys.getSecret('anthropic', 'env')).current).toBe(fromEnv);
    expect((await service.keys.getSecret('anthropic', 'caller')).current).toBe(fromCaller);
    expect(service.keys.find('anthropic', 'file')?.source).toBe('env:FROM_FILE');
  });

  it.each(['SECRET_KEY', 'KEYWAY_DATA_DIR'])('refuses to store Keyway\'s own setting %s as a key', async (name) => {
    const service = openTestService({ env: { KEYWAY_DATA_DIR: '/tmp/CANARYdir' } });
    await expect(service.addKey({ provider: 'local', env_var: name }, { actor: 'mcp:test' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('not a provider API key'),
    });
    expect(service.listKeys().keys).toEqual([]);
  });

  it('names a missing env var and stores nothing', async () => {
    const service = openTestService();
    await expect(service.addKey({ provider: 'openai', env_var: 'NOPE_NOT_SET' }, CLI)).rejects.toMatchObject({
      code: 'env_var_missing',
      message: expect.stringContaining('NOPE_NOT_SET'),
    });
    expect(service.listKeys().keys).toEqual([]);
    expect(service.auditEntries().at(-1)).toMatchObject({ action: 'key.add', outcome: 'error', error_code: 'env_var_missing' });
  });

  it.each([
    [{ provider: 'anthropc', api_key: 'sk-ant-x' }, /provider must be one of/],
    [{ provider: 'openai' }, /exactly one of api_key or env_var/],
    [{ provider: 'openai', api_key: 'sk-a', env_var: 'X' }, /exactly one of api_key or env_var/],
    [{ provider: 'openai', label: 'bad label!', api_key: 'sk-CANARY1234' }, /label must be/],
    [{ provider: 'openai', api_key: 'sk-CANARY1234', extra: 1 }, /unknown field/],
    [{ provider: 'openai', api_key: 'x'.repeat(5000) }, /longer than 4096/],
    [{ provider: 'openai', env_var: 'lower case' }, /env_var must be/],
  ])('refuses bad input %j with a message naming the field', async (input, message) => {
    const service = openTestService();
    await service.addKey({ provider: 'google', api_key: canaryKey('google') }, CLI);
    const before = readFileSync(service.settings.path, 'utf8');
    await expect(service.addKey(input as never, CLI)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(message) });
    expect(readFileSync(service.settings.path, 'utf8')).toBe(before);
  });

  it('rotates a key, and keeps the old one retrievable only during an opted-in grace period', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const service = openTestService({ now: () => now });
    const oldSecret = canaryKey('openai');
    const newSecret = canaryKey('openai');
    await service.addKey({ provider: 'openai', api_key: oldSecret }, CLI);
    const rotated = await service.rotateKey({ provider: 'openai', new_api_key: newSecret, grace_seconds: 60 }, CLI);
    expect(rotated.key.previous_expires_at).toBe('2026-03-01T10:01:00.000Z');
    expect(await service.keys.getSecret('openai')).toEqual({ current: newSecret });
    expect(await service.keys.getSecret('openai', 'default', { allowPrevious: true })).toEqual({ current: newSecret, previous: oldSecret });
    now = new Date('2026-03-01T10:01:01Z');
    expect(await service.keys.getSecret('openai', 'default', { allowPrevious: true })).toEqual({ current: newSecret });
  });

  it('forgets the old secret at once when rotating without a grace period', async () => {
    const service = openTestService();
    await service.addKey({ provider: 'openai', api_key: canaryKey('openai') }, CLI);
    const fresh = canaryKey('openai');
    const rotated = await service.rotateKey({ provider: 'openai', new_api_key: fresh }, CLI);
    expect(rotated.key.previous_fingerprint).toBeNull();
    expect(await service.keys.getSecret('openai', 'default', { allowPrevious: true })).toEqual({ current: fresh });
    expect((await (await service.keys.store()).accounts()).filter(isKeyAccount)).toEqual(['openai:default']);
  });

  it('refuses to rotate a missing key or to "rotate" to the same value', async () => {
    const service = openTestService();
    await expect(service.rotateKey({ provider: 'anthropic', new_api_key: canaryKey('anthropic') }, CLI)).rejects.toMatchObject({ code: 'key_not_found' });
    const secret = canaryKey('anthropic');
    await service.addKey({ provider: 'anthropic', api_key: secret }, CLI);
    await expect(service.rotateKey({ provider: 'anthropic', new_api_key: secret }, CLI)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('removes a key with its secret, and reports a missing one', async () => {
    const service = openTestService();
    await service.addKey({ provider: 'google', api_key: canaryKey('google') }, CLI);
    const { removed } = await service.removeKey({ provider: 'google' }, CLI);
    expect(removed.id).toBe('google:default');
    expect(service.listKeys().keys).toEqual([]);
    expect((await (await service.keys.store()).accounts()).filter(isKeyAccount)).toEqual([]);
    await expect(service.removeKey({ provider: 'google' }, CLI)).rejects.toMatchObject({ code: 'key_not_found', message: expect.stringContaining('keyway keys add google') });
  });

  it('announces every key change on the event bus', async () => {
    const service = openTestService();
    const seen: ServiceEventMap['key.changed'][] = [];
    service.events.on('key.changed', (e) => seen.push(e));
    await service.addKey({ provider: 'openai', api_key: canaryKey('openai') }, CLI);
    await service.rotateKey({ provider: 'openai', new_api_key: canaryKey('openai') }, CLI);
    await service.removeKey({ provider: 'openai' }, CLI);
    expect(seen.map((e) => e.action)).toEqual(['key.add', 'key.rotate', 'key.remove']);
  });

  it('checks stored formats offline and audits each check', async () => {
    const service = openTestService();
    await service.addKey({ provider: 'anthropic', api_key: canaryKey('anthropic') }, CLI);
    await service.addKey({ provider: 'openai', api_key: 'sk-ant-test-CANARYlooksanthropic' }, CLI);
    const checks = await service.checkKeyFormats(undefined, CLI);
    expect(checks.map((c) => [c.id, c.ok])).toEqual([['anthropic:default', true], ['openai:default', true]]);
    expect(checks[1]?.message).toMatch(/Anthropic key/);
    expect(service.auditEntries().filter((e) => e.action === 'key.validate_format')).toHaveLength(2);
  });

  it('records validation outcomes and use on the key record', async () => {
    const service = openTestService();
    const { key } = await service.addKey({ provider: 'openai', api_key: canaryKey('openai') }, CLI);
    const updated = await service.keys.recordStatus(key.id, { validation: 'invalid', detail: 'HTTP 401', used: true });
    expect(updated).toMatchObject({ validation: 'invalid', validation_detail: 'HTTP 401' });
    expect(updated?.last_used_at).not.toBeNull();
    expect(await service.keys.recordStatus('openai:nope', { used: true })).toBeUndefined();
  });

  it('keeps the data dir 0700 and every file in it 0600', async () => {
    const service = openTestService();
    await service.addKey({ provider: 'anthropic', api_key: canaryKey('anthropic') }, CLI);
    expect(statSync(service.dataDir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(service.dataDir)) {
      expect([name, statSync(join(service.dataDir, name)).mode & 0o777]).toEqual([name, 0o600]);
    }
  });

  it('round-trips every key through a passphrase backup into another data dir', async () => {
    const source = openTestService();
    const secrets = [canaryKey('anthropic'), canaryKey('openai')];
    await source.addKey({ provider: 'anthropic', api_key: secrets[0] }, CLI);
    await source.addKey({ provider: 'openai', label: 'work', api_key: secrets[1] }, CLI);
    const backup = join(tempDir(), 'keys.backup');
    expect(await source.exportKeys(backup, 'backup-passphrase', CLI)).toEqual({ path: backup, count: 2 });
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    expect(readFileSync(backup).includes(Buffer.from(canaryCore(secrets[0]!)))).toBe(false);

    const target = openTestService();
    await expect(target.importKeys(backup, 'wrong-passphrase', CLI)).rejects.toMatchObject({ code: 'passphrase_mismatch' });
    const imported = await target.importKeys(backup, 'backup-passphrase', CLI);
    expect(imported.imported.map((k) => k.id).sort()).toEqual(['anthropic:default', 'openai:work']);
    expect((await target.keys.getSecret('openai', 'work')).current).toBe(secrets[1]);
  });

  it('refuses a damaged backup and imports nothing', async () => {
    const service = openTestService();
    const path = join(tempDir(), 'damaged.backup');
    writeFileSync(path, 'KWB1 this is not a backup');
    await expect(service.importKeys(path, 'backup-passphrase', CLI)).rejects.toMatchObject({ code: 'backup_invalid' });
    await expect(service.importKeys(join(tempDir(), 'missing'), 'backup-passphrase', CLI)).rejects.toMatchObject({ code: 'backup_invalid' });
    await expect(service.exportKeys(path, 'short', CLI)).rejects.toMatchObject({ code: 'invalid_input' });
    expect(service.listKeys().keys).toEqual([]);
  });
});
