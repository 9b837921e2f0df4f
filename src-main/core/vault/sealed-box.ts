import { nodeCrypto } from '../on-first-use.js';

/**
 * A passphrase-sealed blob (AES-256-GCM, key from scrypt with a random salt), used both for
 * `.keys.enc` and for `keyway keys export` backups.
 *
 * Layout (version 2): magic(4) version(1) logN(1) salt(16) check(4) verifier(8) iv(12) tag(16)
 * length(4) ciphertext. The check (a hash of the bytes before it) tells a flipped salt or cost byte
 * apart from a wrong passphrase, the verifier (a hash of the derived key) tells a wrong passphrase
 * apart from damaged contents, and the stored length tells a truncated file apart from a tampered
 * one. Version 1 (no check) is still read; the next write upgrades it.
 */
const VERSION = 2;
const SALT_BYTES = 16;
const CHECK_BYTES = 4;
const VERIFIER_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PARAMS_BYTES = 4 + 1 + 1 + SALT_BYTES;
const headerBytes = (version: number): number => PARAMS_BYTES + (version >= 2 ? CHECK_BYTES : 0) + VERIFIER_BYTES + IV_BYTES + TAG_BYTES + 4;
export const DEFAULT_LOG_N = 15;

export type OpenFailure = 'not_sealed' | 'truncated' | 'wrong_passphrase' | 'header_damaged' | 'damaged';

export class SealedBoxError extends Error {
  constructor(readonly reason: OpenFailure) {
    super(reason);
    this.name = 'SealedBoxError';
  }
}

export interface SealingKey {
  readonly salt: Buffer;
  readonly logN: number;
  readonly key: Buffer;
}

export function deriveSealingKey(passphrase: string, salt: Buffer = nodeCrypto().randomBytes(SALT_BYTES), logN = DEFAULT_LOG_N): SealingKey {
  const N = 2 ** logN;
  const key = nodeCrypto().scryptSync(passphrase.normalize('NFC'), salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 });
  return { salt, logN, key };
}

function checkOf(params: Buffer): Buffer {
  return nodeCrypto().createHash('sha256').update('keyway-sealed-box-header').update(params).digest().subarray(0, CHECK_BYTES);
}

function verifierOf(key: Buffer): Buffer {
  return nodeCrypto().createHash('sha256').update('keyway-sealed-box-verifier').update(key).digest().subarray(0, VERIFIER_BYTES);
}

export function seal(plaintext: Buffer, sealingKey: SealingKey, magic: string): Buffer {
  const iv = nodeCrypto().randomBytes(IV_BYTES);
  const cipher = nodeCrypto().createCipheriv('aes-256-gcm', sealingKey.key, iv);
  const header = Buffer.alloc(headerBytes(VERSION));
  let at = header.write(magic, 0, 'latin1');
  at = header.writeUInt8(VERSION, at);
  at = header.writeUInt8(sealingKey.logN, at);
  at += sealingKey.salt.copy(header, at);
  at += checkOf(header.subarray(0, PARAMS_BYTES)).copy(header, at);
  at += verifierOf(sealingKey.key).copy(header, at);
  at += iv.copy(header, at);
  const tagAt = at;
  at += TAG_BYTES;
  header.writeUInt32BE(plaintext.length, at);
  // Everything but the tag is authenticated, so a flipped header byte is caught too.
  cipher.setAAD(Buffer.concat([header.subarray(0, tagAt), header.subarray(tagAt + TAG_BYTES)]));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  cipher.getAuthTag().copy(header, tagAt);
  return Buffer.concat([header, ciphertext]);
}

export interface SealedHeader {
  salt: Buffer;
  logN: number;
  version: number;
}

export function readHeader(blob: Buffer, magic: string): SealedHeader {
  if (blob.length < 4 || blob.subarray(0, 4).toString('latin1') !== magic) throw new SealedBoxError('not_sealed');
  if (blob.length < 5) throw new SealedBoxError('truncated');
  const version = blob.readUInt8(4);
  if (version !== 1 && version !== 2) throw new SealedBoxError('not_sealed');
  if (blob.length < headerBytes(version)) throw new SealedBoxError('truncated');
  if (version >= 2 && !nodeCrypto().timingSafeEqual(blob.subarray(PARAMS_BYTES, PARAMS_BYTES + CHECK_BYTES), checkOf(blob.subarray(0, PARAMS_BYTES)))) {
    throw new SealedBoxError('header_damaged');
  }
  const logN = blob.readUInt8(5);
  if (logN < 10 || logN > 20) throw new SealedBoxError('header_damaged');
  return { salt: Buffer.from(blob.subarray(6, 6 + SALT_BYTES)), logN, version };
}

export function open(blob: Buffer, sealingKey: SealingKey, magic: string): Buffer {
  const { version } = readHeader(blob, magic);
  let at = PARAMS_BYTES + (version >= 2 ? CHECK_BYTES : 0);
  const verifier = blob.subarray(at, at + VERIFIER_BYTES);
  at += VERIFIER_BYTES;
  if (!nodeCrypto().timingSafeEqual(verifier, verifierOf(sealingKey.key))) throw new SealedBoxError('wrong_passphrase');
  const iv = blob.subarray(at, at + IV_BYTES);
  at += IV_BYTES;
  const tagAt = at;
  const tag = blob.subarray(at, at + TAG_BYTES);
  at += TAG_BYTES;
  const length = blob.readUInt32BE(at);
  at += 4;
  const ciphertext = blob.subarray(at);
  if (ciphertext.length < length) throw new SealedBoxError('truncated');
  if (ciphertext.length > length) throw new SealedBoxError('damaged');
  const decipher = nodeCrypto().createDecipheriv('aes-256-gcm', sealingKey.key, iv);
  decipher.setAAD(Buffer.concat([blob.subarray(0, tagAt), blob.subarray(tagAt + TAG_BYTES, headerBytes(version))]));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new SealedBoxError('damaged');
  }
}
