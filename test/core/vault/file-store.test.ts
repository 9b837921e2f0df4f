import { createCipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncryptedFileStore } from '../../../src-main/core/vault/file-store.js';
import { canaryCore, canaryKey } from '../../support/canary.js';
import { tempDir } from '../../support/temp-dir.js';
import { describeSecretStoreContract } from './secret-store.contract.js';

const SECRET_KEY = 'correct horse battery staple';

describeSecretStoreContract('EncryptedFileStore', async () => new EncryptedFileStore(join(tempDir(), '.keys.enc'), SECRET_KEY));

describe('EncryptedFileStore', () => {
  async function storeWithOneKey() {
    const path = join(tempDir(), '.keys.enc');
    const secret = canaryKey('anthropic');
    await new EncryptedFileStore(path, SECRET_KEY).set('anthropic:default', secret);
    return { path, secret };
  }

  it('writes an owner-only file that does not contain the secret in plaintext', async () => {
    const { path, secret } = await storeWithOneKey();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(path);
    expect(bytes.includes(Buffer.from(canaryCore(secret)))).toBe(false);
    expect(bytes.subarray(0, 4).toString()).toBe('KWK1');
  });

  it('opens the file again from a new instance with the same SECRET_KEY', async () => {
    const { path, secret } = await storeWithOneKey();
    expect(await new EncryptedFileStore(path, SECRET_KEY).get('anthropic:default')).toBe(secret);
  });

  it('refuses to start without SECRET_KEY and says what to do', () => {
    expect(() => new EncryptedFileStore(join(tempDir(), '.keys.enc'), undefined)).toThrowError(
      expect.objectContaining({ code: 'secret_key_missing', message: expect.stringContaining('export SECRET_KEY') }),
    );
  });

  it('reports a wrong SECRET_KEY in one line and leaves the file untouched', async () => {
    const { path } = await storeWithOneKey();
    const before = readFileSync(path);
    const wrong = new EncryptedFileStore(path, 'not the passphrase');
    await expect(wrong.get('anthropic:default')).rejects.toMatchObject({ code: 'secret_key_mismatch' });
    await expect(wrong.set('openai:default', canaryKey('openai'))).rejects.toMatchObject({ code: 'secret_key_mismatch' });
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it.each([
    ['truncated', (path: string) => truncateSync(path, statSync(path).size - 5), /truncated/],
    ['cut inside the header', (path: string) => truncateSync(path, 20), /truncated/],
    ['flipped ciphertext byte', (path: string) => flipByte(path, -3), /damaged/],
    ['flipped header byte', (path: string) => flipByte(path, 40), /damaged/],
    ['not a key file', (path: string) => writeFileSync(path, '{"anthropic":"x"}'), /not a Keyway key file/],
  ])('reports a %s file as vault_corrupt and never rewrites it', async (_name, damage, message) => {
    const { path } = await storeWithOneKey();
    damage(path);
    const damaged = readFileSync(path);
    const store = new EncryptedFileStore(path, SECRET_KEY);
    await expect(store.get('anthropic:default')).rejects.toMatchObject({ code: 'vault_corrupt', message: expect.stringMatching(message) });
    await expect(store.set('openai:default', canaryKey('openai'))).rejects.toMatchObject({ code: 'vault_corrupt' });
    expect(readFileSync(path).equals(damaged)).toBe(true);
  });

  it.each([
    ['a flipped salt byte', 10],
    ['a flipped cost (scrypt N) byte', 5],
  ])('tells %s apart from a wrong SECRET_KEY', async (_name, at) => {
    const { path } = await storeWithOneKey();
    flipByte(path, at);
    const store = new EncryptedFileStore(path, SECRET_KEY);
    await expect(store.get('anthropic:default')).rejects.toMatchObject({
      code: 'vault_corrupt',
      message: expect.stringMatching(/damaged header .*SECRET_KEY is not the problem/),
    });
  });

  it('explains a directory in place of .keys.enc instead of an internal error', async () => {
    const path = join(tempDir(), '.keys.enc');
    mkdirSync(path);
    const store = new EncryptedFileStore(path, SECRET_KEY);
    await expect(store.get('anthropic:default')).rejects.toMatchObject({ code: 'vault_corrupt', message: expect.stringContaining('is a directory') });
    await expect(store.set('anthropic:default', canaryKey('anthropic'))).rejects.toMatchObject({ code: 'vault_corrupt' });
  });

  it('still opens a file written in the first format (no header check) and upgrades it on the next write', async () => {
    const path = join(tempDir(), '.keys.enc');
    const secret = canaryKey('openai');
    writeFileSync(path, sealVersion1(Buffer.from(JSON.stringify({ 'openai:default': secret })), SECRET_KEY));
    const store = new EncryptedFileStore(path, SECRET_KEY);
    expect(await store.get('openai:default')).toBe(secret);
    await store.set('openai:work', canaryKey('openai'));
    expect(readFileSync(path).readUInt8(4)).toBe(2);
    expect(await new EncryptedFileStore(path, SECRET_KEY).get('openai:default')).toBe(secret);
  });
});

/** The original `.keys.enc` layout: magic, version 1, logN, salt, verifier, iv, tag, length, ciphertext. */
function sealVersion1(plaintext: Buffer, passphrase: string): Buffer {
  const salt = randomBytes(16);
  const logN = 10;
  const key = scryptSync(passphrase.normalize('NFC'), salt, 32, { N: 2 ** logN, r: 8, p: 1 });
  const verifier = createHash('sha256').update('keyway-sealed-box-verifier').update(key).digest().subarray(0, 8);
  const iv = randomBytes(12);
  const head = Buffer.concat([Buffer.from('KWK1', 'latin1'), Buffer.from([1, logN]), salt, verifier, iv]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(plaintext.length);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.concat([head, length]));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([head, cipher.getAuthTag(), length, ciphertext]);
}

function flipByte(path: string, at: number): void {
  const bytes = readFileSync(path);
  const index = at < 0 ? bytes.length + at : at;
  bytes[index] = (bytes[index] ?? 0) ^ 0xff;
  writeFileSync(path, bytes);
}
