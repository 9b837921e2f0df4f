import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LabelSchema, ProviderSchema, SecretValueSchema } from '../../shared/keys.js';
import type { ProviderId } from '../../shared/providers.js';
import { KeywayError, isErrnoException } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { SealedBoxError, deriveSealingKey, open, readHeader, seal } from './sealed-box.js';

const BACKUP_MAGIC = 'KWB1';
/** A backup of even thousands of keys is far below this; a larger file is not one of ours. */
const MAX_BACKUP_BYTES = 16 * 1024 * 1024;

export interface BackupEntry {
  provider: ProviderId;
  label: string;
  secret: string;
  source: string;
  created_at: string;
}

/** The decrypted JSON of a `keyway keys export` file, checked field by field, never cast. */
const BackupSchema = z.object({
  format: z.literal('keyway-backup'),
  version: z.literal(1),
  exported_at: z.string(),
  keys: z
    .array(
      z.object({
        provider: ProviderSchema,
        label: LabelSchema,
        secret: SecretValueSchema.min(1),
        source: z.string().max(200),
        created_at: z.iso.datetime(),
      }),
    )
    .max(10_000),
});

export function writeBackup(path: string, passphrase: string, content: { exported_at: string; keys: BackupEntry[] }): void {
  const payload = Buffer.from(JSON.stringify({ format: 'keyway-backup', version: 1, ...content }), 'utf8');
  writeFileAtomic(path, seal(payload, deriveSealingKey(passphrase), BACKUP_MAGIC));
}

export function readBackup(path: string, passphrase: string): BackupEntry[] {
  let blob: Buffer;
  try {
    blob = readFileSync(path);
  } catch (error) {
    const reason = isErrnoException(error) ? error.code : 'unreadable';
    const hint = reason === 'EISDIR' ? 'it is a directory; name the backup file' : 'check the path';
    throw new KeywayError('backup_invalid', `Cannot read backup ${path} (${reason}): ${hint}.`);
  }
  if (blob.length > MAX_BACKUP_BYTES) throw new KeywayError('backup_invalid', `${path} is larger than any Keyway backup (over 16 MiB); nothing was imported.`);
  let json: unknown;
  try {
    const header = readHeader(blob, BACKUP_MAGIC);
    json = JSON.parse(open(blob, deriveSealingKey(passphrase, header.salt, header.logN), BACKUP_MAGIC).toString('utf8'));
  } catch (error) {
    if (error instanceof SealedBoxError && error.reason === 'wrong_passphrase') {
      throw new KeywayError('passphrase_mismatch', `The passphrase does not open ${path}. Use the passphrase given at export.`);
    }
    if (error instanceof SealedBoxError && error.reason === 'header_damaged') {
      throw new KeywayError('backup_invalid', `${path} has a damaged header (its salt or cost bytes changed), so no passphrase can open it. Nothing was imported; use another copy of the backup.`);
    }
    throw new KeywayError('backup_invalid', `${path} is not a readable Keyway backup (damaged or not a backup). Nothing was imported.`);
  }
  const parsed = BackupSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || 'the file' : 'the file';
    throw new KeywayError('backup_invalid', `${path} opened but its contents are not a valid Keyway backup (${where}: ${issue?.message ?? 'invalid'}). Nothing was imported.`);
  }
  return parsed.data.keys;
}
