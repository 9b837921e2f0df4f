import { nodeCrypto } from '../on-first-use.js';
import { rmSync } from 'node:fs';
import {
  ListKeysInputSchema,
  type AddKeyParsed,
  type AddKeyResult,
  type ExportKeysResult,
  type FormatCheck,
  type ImportKeysResult,
  type KeyRecord,
  type KeyRefParsed,
  type ListKeysInput,
  type ListKeysResult,
  type RemoveKeyResult,
  type RotateKeyParsed,
  type RotateKeyResult,
  type ValidationState,
} from '../../shared/keys.js';
import { isProviderId, type ProviderId } from '../../shared/providers.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ServiceEvents } from '../events.js';
import type { CallContext } from '../call-context.js';
import type { SettingsStore } from '../config/settings-store.js';
import { KeywayError, isKeywayError } from '../errors.js';
import { FileLock } from '../fs/file-lock.js';
import { parseInput } from '../parse-input.js';
import { readEnvSecret } from './env-source.js';
import { checkKeyFormat, fingerprintKey, maskKey } from './key-format.js';
import { keyIdOf, previousAccountOf } from './key-id.js';
import { readBackup, writeBackup, type BackupEntry } from './backup-file.js';
import { readFingerprintSecret, writeFingerprintSecret } from './fingerprint-secret.js';
import { applySide, clearJournal, readJournal, writeJournal, type KeyChange, type KeySide } from './key-journal.js';
import type { SecretStore } from './secret-store.js';

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

/** Key management: secrets in the SecretStore, metadata in settings, every change in the audit log. */
export class KeyVault {
  readonly #deps: KeyVaultDeps;
  readonly #lock: FileLock;
  #raw: Promise<SecretStore> | undefined;
  #opened: Promise<SecretStore> | undefined;
  #fingerprintSecret: Buffer | undefined;

  constructor(deps: KeyVaultDeps) {
    this.#deps = deps;
    this.#lock = new FileLock(deps.lockPath);
  }

  /**
   * The secret store, opened on first use so that listing keys never needs the keychain or
   * SECRET_KEY. Opening finishes or undoes a key change a crash interrupted, and gives old records
   * keyed fingerprints. Never call it while holding the vault lock.
   */
  store(): Promise<SecretStore> {
    this.#opened ??= this.rawStore()
      .then(async (store) => {
        await this.#lock.run(() => this.#prepare(store));
        return store;
      })
      .catch((error: unknown) => {
        this.#opened = undefined;
        throw error;
      });
    return this.#opened;
  }

  /** The store as opened, without recovery: for the audit log, whose key and anchor live there. */
  rawStore(): Promise<SecretStore> {
    this.#raw ??= this.#deps.openStore().catch((error: unknown) => {
      this.#raw = undefined;
      throw error;
    });
    return this.#raw;
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

  /** Stores a key; `parsed` was validated once, at the edge (core/dispatch.ts). */
  add(parsed: AddKeyParsed, ctx: CallContext): Promise<AddKeyResult> {
    return this.#audited(ctx, 'key.add', parsed, async () => {
      const { value, warnings } = checkKeyFormat(parsed.provider, this.#secretFrom(parsed.api_key, parsed.env_var, ctx));
      const source = parsed.env_var ? `env:${parsed.env_var}` : 'value';
      const { record, created } = await this.#put(parsed.provider, parsed.label, value, source, ctx);
      return { result: { key: record, created, warnings }, audit: { action: created ? 'key.add' : 'key.update', record, committed: true } };
    });
  }

  rotate(parsed: RotateKeyParsed, ctx: CallContext): Promise<RotateKeyResult> {
    return this.#audited(ctx, 'key.rotate', parsed, async () => {
      const { value, warnings } = checkKeyFormat(parsed.provider, this.#secretFrom(parsed.new_api_key, parsed.env_var, ctx));
      const store = await this.store();
      const record = await this.#lock.run(async () => {
        const existing = this.#require(parsed.provider, parsed.label);
        const before = await this.#sideOf(store, existing);
        if (before.secret === value) {
          throw new KeywayError('invalid_input', `The new ${parsed.provider} key is the same as the current one; paste the new key.`);
        }
        const keepOld = parsed.grace_seconds > 0 && before.secret !== null;
        const now = this.#deps.now();
        const fingerprints = await this.#fingerprinter(store);
        const next: KeyRecord = {
          ...existing,
          masked: maskKey(value),
          fingerprint: fingerprints(value),
          source: parsed.env_var ? `env:${parsed.env_var}` : 'value',
          store: store.kind,
          updated_at: now.toISOString(),
          last_validated_at: null,
          validation: 'format_ok',
          validation_detail: null,
          previous_fingerprint: keepOld ? existing.fingerprint : null,
          previous_expires_at: keepOld ? new Date(now.getTime() + parsed.grace_seconds * 1000).toISOString() : null,
        };
        await this.#commit(store, {
          op: nodeCrypto().randomUUID(),
          action: 'key.rotate',
          actor: ctx.actor,
          key_id: existing.id,
          before,
          after: { record: next, secret: value, previous: keepOld ? before.secret : null },
          detail: null,
        });
        return next;
      });
      return { result: { key: record, warnings }, audit: { action: 'key.rotate', record, committed: true } };
    });
  }

  remove(ref: KeyRefParsed, ctx: CallContext): Promise<RemoveKeyResult> {
    return this.#audited(ctx, 'key.remove', ref, async () => {
      const store = await this.store();
      const existing = await this.#lock.run(async () => {
        const record = this.#require(ref.provider, ref.label);
        await this.#commit(store, {
          op: nodeCrypto().randomUUID(),
          action: 'key.remove',
          actor: ctx.actor,
          key_id: record.id,
          before: await this.#sideOf(store, record),
          after: { record: null, secret: null, previous: null },
          detail: null,
        });
        return record;
      });
      return { result: { removed: existing }, audit: { action: 'key.remove', record: existing, committed: true } };
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
      await this.#deps.audit.ready();
      const { keys } = this.list();
      const store = await this.store();
      const entries: BackupEntry[] = [];
      for (const record of keys) {
        const secret = await store.get(record.id);
        if (secret === undefined) continue;
        entries.push({ provider: record.provider, label: record.label, secret, source: record.source, created_at: record.created_at });
      }
      writeBackup(path, passphrase, { exported_at: this.#now(), keys: entries });
      return {
        result: { path, count: entries.length },
        audit: { action: 'key.export', detail: `${entries.length} keys` },
        // An export whose audit entry cannot be written is taken back.
        undo: () => rmSync(path, { force: true }),
      };
    });
  }

  importFrom(path: string, passphrase: string, ctx: CallContext): Promise<ImportKeysResult> {
    return this.#audited(ctx, 'key.import', {}, async () => {
      requirePassphrase(passphrase);
      const entries = readBackup(path, passphrase);
      const imported: KeyRecord[] = [];
      for (const entry of entries) {
        const source = entry.source.startsWith('env:') ? entry.source : 'value';
        const { value } = checkKeyFormat(entry.provider, entry.secret);
        const { record } = await this.#put(entry.provider, entry.label, value, source, ctx, entry.created_at);
        imported.push(record);
      }
      const store = await this.store();
      return { result: { imported, store: store.kind }, audit: { action: 'key.import', detail: `${imported.length} keys` } };
    });
  }

  /** Adds or replaces the key `provider:label` as one all-or-nothing change. */
  async #put(provider: ProviderId, label: string, value: string, source: string, ctx: CallContext, createdAt?: string): Promise<{ record: KeyRecord; created: boolean }> {
    const store = await this.store();
    return this.#lock.run(async () => {
      const id = keyIdOf(provider, label);
      const existing = this.#deps.settings.read().keys[id];
      const fingerprints = await this.#fingerprinter(store);
      const now = this.#now();
      const first = existing?.created_at ?? now;
      const record: KeyRecord = {
        id,
        provider,
        label,
        masked: maskKey(value),
        fingerprint: fingerprints(value),
        source,
        store: store.kind,
        created_at: createdAt !== undefined && createdAt < first ? createdAt : first,
        updated_at: now,
        last_used_at: existing?.last_used_at ?? null,
        last_validated_at: null,
        validation: 'format_ok',
        validation_detail: null,
        previous_fingerprint: existing?.previous_fingerprint ?? null,
        previous_expires_at: existing?.previous_expires_at ?? null,
      };
      const before = existing ? await this.#sideOf(store, existing) : { record: null, secret: (await store.get(id)) ?? null, previous: (await store.get(previousAccountOf(id))) ?? null };
      await this.#commit(store, {
        op: nodeCrypto().randomUUID(),
        action: existing ? 'key.update' : 'key.add',
        actor: ctx.actor,
        key_id: id,
        before,
        after: { record, secret: value, previous: existing ? before.previous : null },
        detail: null,
      });
      return { record, created: !existing };
    });
  }

  /** What the store and settings hold for a key now: the `before` side of a change. */
  async #sideOf(store: SecretStore, record: KeyRecord): Promise<KeySide> {
    return {
      record,
      secret: (await store.get(record.id)) ?? null,
      previous: (await store.get(previousAccountOf(record.id))) ?? null,
    };
  }

  /**
   * Journal, secret, record, audit entry, clear the journal: the audit entry is the commit point.
   * A failure before it undoes the change here; a crash is finished or undone by the next open.
   * Runs under the vault lock.
   */
  async #commit(store: SecretStore, change: KeyChange): Promise<void> {
    await this.#recover(store);
    await writeJournal(store, change);
    try {
      await applySide(store, this.#deps.settings, change.key_id, change.after, store.kind);
      const record = change.after.record ?? change.before.record;
      await this.#deps.audit.append({
        actor: change.actor,
        action: change.action,
        provider: record?.provider ?? null,
        key_id: change.key_id,
        fingerprint: record?.fingerprint ?? null,
        outcome: 'ok',
        detail: change.detail,
        op: change.op,
      });
    } catch (error) {
      if (!this.#deps.audit.hasOp(change.op)) {
        try {
          await applySide(store, this.#deps.settings, change.key_id, change.before, store.kind);
          await clearJournal(store);
        } catch {
          // The journal stays: the next open undoes the change.
          this.#opened = undefined;
        }
        throw error;
      }
    }
    await clearJournal(store).catch(() => {
      this.#opened = undefined;
    });
  }

  /** Finishes (audit entry written) or undoes (not written) a key change a crash interrupted. */
  async #recover(store: SecretStore): Promise<void> {
    const change = await readJournal(store);
    if (change === null) return;
    if (change === 'unreadable') {
      await this.#deps.audit.append({ actor: 'system', action: 'key.recover', outcome: 'error', error_code: 'vault_corrupt', detail: 'discarded an unreadable key-change journal' });
      await clearJournal(store);
      return;
    }
    const audit = this.#deps.audit;
    if (audit.hasOp(change.op)) {
      await applySide(store, this.#deps.settings, change.key_id, change.after, store.kind);
    } else {
      await applySide(store, this.#deps.settings, change.key_id, change.before, store.kind);
      const undo = `undo:${change.op}`;
      if (!audit.hasOp(undo)) {
        const record = change.before.record ?? change.after.record;
        await audit.append({
          actor: 'system',
          action: 'key.undo',
          provider: record?.provider ?? null,
          key_id: change.key_id,
          fingerprint: change.before.record?.fingerprint ?? null,
          outcome: 'ok',
          detail: `undid an interrupted ${change.action} by ${change.actor} (the process stopped before it finished); the key is as it was before`,
          op: undo,
        });
      }
    }
    await clearJournal(store);
  }

  /** On open: recover an interrupted change, then make sure fingerprints are keyed. */
  async #prepare(store: SecretStore): Promise<void> {
    await this.#recover(store);
    const state = await readFingerprintSecret(store);
    if (state?.migrated) {
      this.#fingerprintSecret = state.key;
      return;
    }
    const key = state?.key ?? nodeCrypto().randomBytes(32);
    if (!state) await writeFingerprintSecret(store, { key, migrated: false });
    const records = Object.values(this.#deps.settings.read().keys);
    if (records.length > 0) {
      const fresh = new Map<string, { fingerprint: string | null; previous: string | null }>();
      for (const record of records) {
        const secret = await store.get(record.id);
        const previous = await store.get(previousAccountOf(record.id));
        fresh.set(record.id, {
          fingerprint: secret === undefined ? null : fingerprintKey(secret, key),
          previous: previous === undefined ? null : fingerprintKey(previous, key),
        });
      }
      await this.#deps.settings.update((data) => {
        for (const [id, next] of fresh) {
          const record = data.keys[id];
          if (!record) continue;
          if (next.fingerprint !== null) record.fingerprint = next.fingerprint;
          record.previous_fingerprint = next.previous;
        }
      });
      await this.#deps.audit.append({
        actor: 'system',
        action: 'key.fingerprints_keyed',
        outcome: 'ok',
        detail: `${fresh.size} key records now carry keyed fingerprints (an HMAC with this install's secret)`,
      });
    }
    await writeFingerprintSecret(store, { key, migrated: true });
    this.#fingerprintSecret = key;
  }

  async #fingerprinter(store: SecretStore): Promise<(value: string) => string> {
    const key = this.#fingerprintSecret ?? (await readFingerprintSecret(store))?.key;
    if (!key) throw new KeywayError('internal', 'The vault was used before it was opened.');
    this.#fingerprintSecret = key;
    return (value) => fingerprintKey(value, key);
  }

  #secretFrom(value: string | undefined, envVar: string | undefined, ctx: CallContext): string {
    if (envVar) return readEnvSecret(envVar, { callerEnv: ctx.callerEnv, env: this.#deps.env, cwd: this.#deps.cwd });
    return value ?? '';
  }

  #require(provider: ProviderId, label: string): KeyRecord {
    const record = this.find(provider, label);
    if (!record) {
      throw new KeywayError('key_not_found', `No ${provider} key with label "${label}".`, { remedy: { action: 'add_key', provider, label } });
    }
    return record;
  }

  #now(): string {
    return this.#deps.now().toISOString();
  }

  /**
   * Runs a key operation and records its outcome. Key changes write their own entry as their commit
   * point; other operations get one here, and are taken back (`undo`) when it cannot be written.
   * A failure is audited too.
   */
  async #audited<T>(
    ctx: CallContext,
    action: string,
    input: unknown,
    work: () => Promise<{ result: T; audit: { action: string; record?: KeyRecord; detail?: string; committed?: boolean }; undo?: () => void }>,
  ): Promise<T> {
    try {
      const { result, audit, undo } = await work();
      if (!audit.committed) {
        try {
          await this.#deps.audit.append({
            actor: ctx.actor,
            action: audit.action,
            provider: audit.record?.provider ?? null,
            key_id: audit.record?.id ?? null,
            fingerprint: audit.record?.fingerprint ?? null,
            outcome: 'ok',
            detail: audit.detail ?? null,
          });
        } catch (error) {
          undo?.();
          throw error;
        }
      }
      if (audit.record) this.#deps.events.emit('key.changed', { action: audit.action, key_id: audit.record.id, provider: audit.record.provider });
      return result;
    } catch (error) {
      const provider = typeof input === 'object' && input !== null && 'provider' in input ? input.provider : null;
      await this.#deps.audit
        .append({
          actor: ctx.actor,
          action,
          provider: isProviderId(provider) ? provider : null,
          outcome: 'error',
          error_code: isKeywayError(error) ? error.code : 'internal',
        })
        .catch(() => undefined);
      throw error;
    }
  }
}

function requirePassphrase(passphrase: string): void {
  if (passphrase.length < 8) {
    throw new KeywayError('invalid_input', 'The backup passphrase must be at least 8 characters long.');
  }
}
