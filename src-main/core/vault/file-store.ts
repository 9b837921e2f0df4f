import { readFileSync } from 'node:fs';
import { KeywayError, isErrnoException } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { FileLock } from '../fs/file-lock.js';
import { SealedBoxError, deriveSealingKey, open, readHeader, seal, type SealingKey } from './sealed-box.js';
import type { SecretStore } from './secret-store.js';

const MAGIC = 'KWK1';

/** Secrets in `.keys.enc`: one AES-256-GCM sealed JSON map, key derived from SECRET_KEY with scrypt. */
export class EncryptedFileStore implements SecretStore {
  readonly kind = 'file' as const;
  readonly location: string;
  readonly #path: string;
  readonly #passphrase: string;
  readonly #lock: FileLock;
  #sealingKey: SealingKey | undefined;

  constructor(path: string, secretKey: string | undefined) {
    if (!secretKey) {
      throw new KeywayError(
        'secret_key_missing',
        'The encrypted-file store needs SECRET_KEY: export SECRET_KEY="<a long passphrase>" (it cannot be recovered, keep it safe), or use the OS keychain with --store keychain.',
      );
    }
    this.#path = path;
    this.location = path;
    this.#passphrase = secretKey;
    this.#lock = new FileLock(`${path}.lock`);
  }

  async get(account: string): Promise<string | undefined> {
    return (await this.#lock.run(() => this.#read()))[account];
  }

  async set(account: string, secret: string): Promise<void> {
    await this.#lock.run(() => {
      const entries = this.#read();
      entries[account] = secret;
      this.#write(entries);
    });
  }

  async delete(account: string): Promise<boolean> {
    return this.#lock.run(() => {
      const entries = this.#read();
      if (!(account in entries)) return false;
      delete entries[account];
      this.#write(entries);
      return true;
    });
  }

  async accounts(): Promise<string[]> {
    return Object.keys(await this.#lock.run(() => this.#read()));
  }

  /** Reads and decrypts the whole file; a missing file is an empty vault. Never writes. */
  #read(): Record<string, string> {
    let blob: Buffer;
    try {
      blob = readFileSync(this.#path);
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return {};
      if (isErrnoException(error) && error.code === 'EISDIR') {
        throw new KeywayError(
          'vault_corrupt',
          `${this.#path} is a directory, not Keyway's encrypted key file. Move it aside (Keyway then starts an empty key file there) or point --data-dir elsewhere.`,
        );
      }
      if (isErrnoException(error)) {
        throw new KeywayError('vault_corrupt', `${this.#path} cannot be read (${error.code ?? 'error'}). Check its permissions; it was left untouched.`);
      }
      throw error;
    }
    try {
      const header = readHeader(blob, MAGIC);
      const key = this.#keyFor(header.salt, header.logN);
      const parsed: unknown = JSON.parse(open(blob, key, MAGIC).toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SealedBoxError('damaged');
      return parsed as Record<string, string>;
    } catch (error) {
      throw this.#explain(error);
    }
  }

  #write(entries: Record<string, string>): void {
    const key = this.#sealingKey ?? this.#keyFor();
    writeFileAtomic(this.#path, seal(Buffer.from(JSON.stringify(entries), 'utf8'), key, MAGIC));
  }

  #keyFor(salt?: Buffer, logN?: number): SealingKey {
    const cached = this.#sealingKey;
    if (cached && (!salt || (cached.salt.equals(salt) && cached.logN === logN))) return cached;
    this.#sealingKey = deriveSealingKey(this.#passphrase, salt, logN);
    return this.#sealingKey;
  }

  #explain(error: unknown): Error {
    if (!(error instanceof SealedBoxError) && !(error instanceof SyntaxError)) return error as Error;
    const reason = error instanceof SealedBoxError ? error.reason : 'damaged';
    if (reason === 'wrong_passphrase') {
      return new KeywayError(
        'secret_key_mismatch',
        `SECRET_KEY does not open ${this.#path}. Set SECRET_KEY to the passphrase used when it was created; the file was not changed.`,
      );
    }
    if (reason === 'header_damaged') {
      return new KeywayError(
        'vault_corrupt',
        `${this.#path} has a damaged header (its salt or cost bytes changed), so no passphrase can open it; SECRET_KEY is not the problem. It was left untouched: restore it from a backup (keyway keys import --from FILE).`,
      );
    }
    const what = reason === 'truncated' ? 'is truncated' : reason === 'not_sealed' ? 'is not a Keyway key file' : 'is damaged';
    return new KeywayError(
      'vault_corrupt',
      `${this.#path} ${what}. It was left untouched: restore it from a backup (keyway keys import --from FILE) or move it aside to start afresh.`,
    );
  }
}
