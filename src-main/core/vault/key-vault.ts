import {
  AddKeyInputSchema,
  KeyRefSchema,
  ListKeysInputSchema,
  RotateKeyInputSchema,
  type AddKeyInput,
  type AddKeyResult,
  type ExportKeysResult,
  type FormatCheck,
  type ImportKeysResult,
  type KeyRecord,
  type KeyRef,
  type ListKeysInput,
  type ListKeysResult,
  type RemoveKeyResult,
  type RotateKeyInput,
  type RotateKeyResult,
  type ValidationState,
} from '../../shared/keys.js';
import { isProviderId, type ProviderId } from '../../shared/providers.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ServiceEvents } from '../events.js';
import type { CallContext } from '../call-context.js';
import type { SettingsStore } from '../config/settings-store.js';
import { KeywayError, isErrnoException, isKeywayError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { readBoundedSync } from '../fs/bounded-read.js';
import { FileLock } from '../fs/file-lock.js';
import { parseInput } from '../parse-input.js';
import { readEnvSecret } from './env-source.js';
import { checkKeyFormat, fingerprintKey, maskKey } from './key-format.js';
import { keyIdOf, previousAccountOf } from './key-id.js';
import { SealedBoxError, deriveSealingKey, open, readHeader, seal } from './sealed-box.js';
import type { SecretStore } from './secret-store.js';

const BACKUP_MAGIC = 'KWB1';
/** A backup of every key fits in a few kilobytes; a larger file is not one. */
const MAX_BACKUP_BYTES = 1024 * 1024;

export interface KeyVaultDeps {
  settings: SettingsStore;
  audit: AuditLog;
  openStore: () => Promise<SecretStore>;
  lockPath: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
  events: ServiceEvents;
}

interface BackupEntry {
  provider: ProviderId;
  label: string;
  secret: string;
  source: string;
  created_at: string;
}

/** Key management: secrets in the SecretStore, metadata in settings, every change in the audit log. */
export class KeyVault {
  readonly #deps: KeyVaultDeps;
  readonly #lock: FileLock;
  #store: Promise<SecretStore> | undefined;

  constructor(deps: KeyVaultDeps) {
    this.#deps = deps;
    this.#lock = new FileLock(deps.lockPath);
  }

  /** The secret store, opened on first use so that listing keys never needs the keychain or SECRET_KEY. */
  store(): Promise<SecretStore> {
    this.#store ??= this.#deps.openStore().catch((error: unknown) => {
      this.#store = undefined;
      throw error;
    });
    return this.#store;
  }

  list(input: ListKeysInput = {}): ListKeysResult {
    const { provider } = parseInput(ListKeysInputSchema, input);
    const data = this.#deps.settings.read();
    const keys = Object.values(data.keys)
      .filter((k) => !provider || k.provider === provider)
      .sort((a, b) => a.id.localeCompare(b.id));
    return { keys, store: data.secret_store };
  }

  find(provider: ProviderId, label = 'default'): KeyRecord | undefined {
    return this.#deps.settings.read().keys[keyIdOf(provider, label)];
  }

  add(input: AddKeyInput, ctx: CallContext): Promise<AddKeyResult> {
    return this.#audited(ctx, 'key.add', input, async () => {
      const parsed = parseInput(AddKeyInputSchema, input);
      const { value, warnings } = checkKeyFormat(parsed.provider, this.#secretFrom(parsed.api_key, parsed.env_var, ctx));
      const source = parsed.env_var ? `env:${parsed.env_var}` : 'value';
      return this.#lock.run(async () => {
        const store = await this.store();
        const id = keyIdOf(parsed.provider, parsed.label);
        await store.set(id, value);
        const { record, created } = await this.#deps.settings.update((data) => {
          const existing = data.keys[id];
          const now = this.#now();
          const next: KeyRecord = {
            id,
            provider: parsed.provider,
            label: parsed.label,
            masked: maskKey(value),
            fingerprint: fingerprintKey(value),
            source,
            store: store.kind,
            created_at: existing?.created_at ?? now,
            updated_at: now,
            last_used_at: existing?.last_used_at ?? null,
            last_validated_at: null,
            validation: 'format_ok',
            validation_detail: null,
            previous_fingerprint: existing?.previous_fingerprint ?? null,
            previous_expires_at: existing?.previous_expires_at ?? null,
          };
          data.keys[id] = next;
          data.secret_store ??= store.kind;
          return { record: next, created: !existing };
        });
        return {
          result: { key: record, created, warnings },
          audit: { action: created ? 'key.add' : 'key.update', record },
        };
      });
    });
  }

  rotate(input: RotateKeyInput, ctx: CallContext): Promise<RotateKeyResult> {
    return this.#audited(ctx, 'key.rotate', input, async () => {
      const parsed = parseInput(RotateKeyInputSchema, input);
      const { value, warnings } = checkKeyFormat(parsed.provider, this.#secretFrom(parsed.new_api_key, parsed.env_var, ctx));
      return this.#lock.run(async () => {
        const existing = this.#require(parsed.provider, parsed.label);
        const store = await this.store();
        const old = await store.get(existing.id);
        if (old === value) {
          throw new KeywayError('invalid_input', `The new ${parsed.provider} key is the same as the current one; paste the new key.`);
        }
        const keepOld = parsed.grace_seconds > 0 && old !== undefined;
        if (keepOld) await store.set(previousAccountOf(existing.id), old);
        else await store.delete(previousAccountOf(existing.id));
        await store.set(existing.id, value);
        const record = await this.#deps.settings.update((data) => {
          const now = this.#deps.now();
          const next: KeyRecord = {
            ...existing,
            masked: maskKey(value),
            fingerprint: fingerprintKey(value),
            source: parsed.env_var ? `env:${parsed.env_var}` : 'value',
            store: store.kind,
            updated_at: now.toISOString(),
            last_validated_at: null,
            validation: 'format_ok',
            validation_detail: null,
            previous_fingerprint: keepOld ? existing.fingerprint : null,
            previous_expires_at: keepOld ? new Date(now.getTime() + parsed.grace_seconds * 1000).toISOString() : null,
          };
          data.keys[existing.id] = next;
          return next;
        });
        return { result: { key: record, warnings }, audit: { action: 'key.rotate', record } };
      });
    });
  }

  remove(input: KeyRef, ctx: CallContext): Promise<RemoveKeyResult> {
    return this.#audited(ctx, 'key.remove', input, async () => {
      const ref = parseInput(KeyRefSchema, input);
      return this.#lock.run(async () => {
        const existing = this.#require(ref.provider, ref.label);
        const store = await this.store();
        await store.delete(existing.id);
        await store.delete(previousAccountOf(existing.id));
        await this.#deps.settings.update((data) => {
          delete data.keys[existing.id];
        });
        return { result: { removed: existing }, audit: { action: 'key.remove', record: existing } };
      });
    });
  }

  /** Offline format check of every stored key (or one provider's). */
  async checkFormats(provider: ProviderId | undefined, ctx: CallContext): Promise<FormatCheck[]> {
    const { keys } = this.list({ provider });
    const store = keys.length > 0 ? await this.store() : undefined;
    const checks: FormatCheck[] = [];
    for (const record of keys) {
      const secret = await store?.get(record.id);
      let check: FormatCheck;
      if (secret === undefined) {
        check = { id: record.id, provider: record.provider, label: record.label, ok: false, message: `secret missing from the ${store?.kind ?? 'secret'} store; add the key again` };
      } else {
        try {
          const { warnings } = checkKeyFormat(record.provider, secret);
          check = { id: record.id, provider: record.provider, label: record.label, ok: true, message: warnings[0] ?? 'format ok' };
        } catch (error) {
          check = { id: record.id, provider: record.provider, label: record.label, ok: false, message: isKeywayError(error) ? error.message : 'format check failed' };
        }
      }
      checks.push(check);
      await this.#deps.audit.append({
        actor: ctx.actor,
        action: 'key.validate_format',
        provider: record.provider,
        key_id: record.id,
        fingerprint: record.fingerprint,
        outcome: check.ok ? 'ok' : 'error',
        error_code: check.ok ? null : 'invalid_key_format',
      });
    }
    return checks;
  }

  /**
   * The secret itself, for sending to its own provider only. `allowPrevious` also returns the
   * outgoing secret while a rotation grace period runs.
   */
  async getSecret(provider: ProviderId, label = 'default', options: { allowPrevious?: boolean } = {}): Promise<{ current: string; previous?: string }> {
    const record = this.#require(provider, label);
    const store = await this.store();
    const current = await store.get(record.id);
    if (current === undefined) {
      throw new KeywayError(
        'key_not_found',
        `The ${provider} key "${label}" is listed but its secret is not in the ${store.kind} store (it was stored in the ${record.store} store). Add the key again or choose --store ${record.store}.`,
      );
    }
    if (!options.allowPrevious || !record.previous_expires_at) return { current };
    if (Date.parse(record.previous_expires_at) <= this.#deps.now().getTime()) return { current };
    const previous = await store.get(previousAccountOf(record.id));
    return previous === undefined ? { current } : { current, previous };
  }

  /** Records a live validation outcome or a use on the key record (no secret involved). */
  async recordStatus(id: string, change: { validation?: ValidationState; detail?: string | null; used?: boolean }): Promise<KeyRecord | undefined> {
    return this.#deps.settings.update((data) => {
      const record = data.keys[id];
      if (!record) return undefined;
      const now = this.#now();
      if (change.validation) {
        record.validation = change.validation;
        record.validation_detail = change.detail ?? null;
        record.last_validated_at = now;
      }
      if (change.used) record.last_used_at = now;
      return record;
    });
  }

  exportTo(path: string, passphrase: string, ctx: CallContext): Promise<ExportKeysResult> {
    return this.#audited(ctx, 'key.export', {}, async () => {
      requirePassphrase(passphrase);
      const { keys } = this.list();
      const store = await this.store();
      const entries: BackupEntry[] = [];
      for (const record of keys) {
        const secret = await store.get(record.id);
        if (secret === undefined) continue;
        entries.push({ provider: record.provider, label: record.label, secret, source: record.source, created_at: record.created_at });
      }
      const payload = Buffer.from(JSON.stringify({ format: 'keyway-backup', version: 1, exported_at: this.#now(), keys: entries }), 'utf8');
      writeFileAtomic(path, seal(payload, deriveSealingKey(passphrase), BACKUP_MAGIC));
      return { result: { path, count: entries.length }, audit: { action: 'key.export', detail: `${entries.length} keys` } };
    });
  }

  importFrom(path: string, passphrase: string, ctx: CallContext): Promise<ImportKeysResult> {
    return this.#audited(ctx, 'key.import', {}, async () => {
      requirePassphrase(passphrase);
      const entries = readBackup(path, passphrase);
      const imported: KeyRecord[] = [];
      for (const entry of entries) {
        const source = entry.source.startsWith('env:') ? entry.source : 'value';
        const { key } = await this.add({ provider: entry.provider, label: entry.label, api_key: entry.secret }, ctx);
        imported.push(
          await this.#deps.settings.update((data) => {
            const record = data.keys[key.id] ?? key;
            record.source = source;
            record.created_at = entry.created_at < record.created_at ? entry.created_at : record.created_at;
            data.keys[key.id] = record;
            return record;
          }),
        );
      }
      const store = await this.store();
      return { result: { imported, store: store.kind }, audit: { action: 'key.import', detail: `${imported.length} keys` } };
    });
  }

  #secretFrom(value: string | undefined, envVar: string | undefined, ctx: CallContext): string {
    if (envVar) return readEnvSecret(envVar, { callerEnv: ctx.callerEnv, env: this.#deps.env, cwd: this.#deps.cwd });
    return value ?? '';
  }

  #require(provider: ProviderId, label: string): KeyRecord {
    const record = this.find(provider, label);
    if (!record) {
      throw new KeywayError('key_not_found', `No ${provider} key with label "${label}". Add one first (keyway keys add ${provider}${label === 'default' ? '' : ` --label ${label}`}).`);
    }
    return record;
  }

  #now(): string {
    return this.#deps.now().toISOString();
  }

  /** Runs a key operation and writes one audit entry for its outcome, success or failure. */
  async #audited<T>(
    ctx: CallContext,
    action: string,
    input: unknown,
    work: () => Promise<{ result: T; audit: { action: string; record?: KeyRecord; detail?: string } }>,
  ): Promise<T> {
    try {
      const { result, audit } = await work();
      await this.#deps.audit.append({
        actor: ctx.actor,
        action: audit.action,
        provider: audit.record?.provider ?? null,
        key_id: audit.record?.id ?? null,
        fingerprint: audit.record?.fingerprint ?? null,
        outcome: 'ok',
        detail: audit.detail ?? null,
      });
      if (audit.record) this.#deps.events.emit('key.changed', { action: audit.action, key_id: audit.record.id, provider: audit.record.provider });
      return result;
    } catch (error) {
      const provider = typeof input === 'object' && input !== null && 'provider' in input ? input.provider : null;
      await this.#deps.audit.append({
        actor: ctx.actor,
        action,
        provider: isProviderId(provider) ? provider : null,
        outcome: 'error',
        error_code: isKeywayError(error) ? error.code : 'internal',
      });
      throw error;
    }
  }
}

function requirePassphrase(passphrase: string): void {
  if (passphrase.length < 8) {
    throw new KeywayError('invalid_input', 'The backup passphrase must be at least 8 characters long.');
  }
}

function readBackup(path: string, passphrase: string): BackupEntry[] {
  let blob: Buffer;
  try {
    blob = readBoundedSync(path, { maxBytes: MAX_BACKUP_BYTES, what: 'The backup', remedy: 'Keyway backups are a few kilobytes; check the path' });
  } catch (error) {
    if (error instanceof KeywayError) throw new KeywayError('backup_invalid', `${error.message} Nothing was imported.`);
    const reason = isErrnoException(error) ? error.code : 'unreadable';
    throw new KeywayError('backup_invalid', `Cannot read backup ${path} (${reason}). Check the path.`);
  }
  try {
    const header = readHeader(blob, BACKUP_MAGIC);
    const parsed = JSON.parse(open(blob, deriveSealingKey(passphrase, header.salt, header.logN), BACKUP_MAGIC).toString('utf8')) as {
      format?: string;
      keys?: BackupEntry[];
    };
    if (parsed.format !== 'keyway-backup' || !Array.isArray(parsed.keys)) throw new SealedBoxError('damaged');
    return parsed.keys;
  } catch (error) {
    if (error instanceof SealedBoxError && error.reason === 'wrong_passphrase') {
      throw new KeywayError('passphrase_mismatch', `The passphrase does not open ${path}. Use the passphrase given at export.`);
    }
    throw new KeywayError('backup_invalid', `${path} is not a readable Keyway backup (damaged or not a backup). Nothing was imported.`);
  }
}
