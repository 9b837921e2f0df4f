import type { AppSettingsPatch, AppSettingsView } from '../shared/app-settings.js';
import type { AuditEntry, AuditVerifyResult } from '../shared/audit.js';
import type {
  AddKeyInput,
  AddKeyResult,
  ExportKeysResult,
  FormatCheck,
  ImportKeysResult,
  KeyRef,
  ListKeysInput,
  ListKeysResult,
  RemoveKeyResult,
  RotateKeyInput,
  RotateKeyResult,
} from '../shared/keys.js';
import type { ProviderId } from '../shared/providers.js';
import { readAppSettings, updateAppSettings, type AppSettingsDeps } from './app-settings.js';
import { AuditLog } from './audit/audit-log.js';
import type { CallContext } from './call-context.js';
import { ConfigStore } from './config/config-store.js';
import { SettingsStore } from './config/settings-store.js';
import { ServiceEvents } from './events.js';
import { dataFiles, ensureDataDir, resolveDataDir } from './data-dir.js';
import { KeyVault } from './vault/key-vault.js';
import { openSecretStore } from './vault/select-store.js';

export interface ServiceOptions {
  /** `--data-dir`; falls back to KEYWAY_DATA_DIR, then the platform app-data folder. */
  dataDir?: string;
  /** `--store keychain|file`; falls back to KEYWAY_SECRET_STORE, then what this data dir used before. */
  store?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** `--config` / KEYWAY_CONFIG: a routing_config.json to use in place (e.g. the seed's). */
  configPath?: string;
  now?: () => Date;
}

/** The one object that owns Keyway's state. Every front (CLI, MCP, HTTP, Electron) calls this. */
export class KeywayService {
  readonly dataDir: string;
  readonly settings: SettingsStore;
  readonly auditLog: AuditLog;
  readonly config: ConfigStore;
  readonly keys: KeyVault;
  readonly events = new ServiceEvents();
  readonly now: () => Date;

  private constructor(dataDir: string, options: ServiceOptions) {
    const env = options.env ?? process.env;
    const files = dataFiles(dataDir);
    this.dataDir = dataDir;
    this.now = options.now ?? (() => new Date());
    this.settings = new SettingsStore(dataDir);
    this.auditLog = new AuditLog(files.audit, this.now);
    this.config = new ConfigStore(options.configPath ?? (env.KEYWAY_CONFIG || files.routingConfig));
    this.keys = new KeyVault({
      settings: this.settings,
      audit: this.auditLog,
      lockPath: files.lock,
      env,
      cwd: options.cwd ?? process.cwd(),
      now: this.now,
      events: this.events,
      openStore: () =>
        openSecretStore({
          requested: options.store ?? (env.KEYWAY_SECRET_STORE || undefined),
          remembered: this.settings.read().secret_store,
          secretsFile: files.secrets,
          secretKey: env.SECRET_KEY,
          keychainService: env.KEYWAY_KEYCHAIN_SERVICE || undefined,
        }),
    });
  }

  static open(options: ServiceOptions = {}): KeywayService {
    const dataDir = ensureDataDir(resolveDataDir(options.dataDir, options.env ?? process.env));
    return new KeywayService(dataDir, options);
  }

  addKey(input: AddKeyInput, ctx: CallContext): Promise<AddKeyResult> {
    return this.keys.add(input, ctx);
  }

  rotateKey(input: RotateKeyInput, ctx: CallContext): Promise<RotateKeyResult> {
    return this.keys.rotate(input, ctx);
  }

  removeKey(input: KeyRef, ctx: CallContext): Promise<RemoveKeyResult> {
    return this.keys.remove(input, ctx);
  }

  listKeys(input: ListKeysInput = {}): ListKeysResult {
    return this.keys.list(input);
  }

  checkKeyFormats(provider: ProviderId | undefined, ctx: CallContext): Promise<FormatCheck[]> {
    return this.keys.checkFormats(provider, ctx);
  }

  exportKeys(path: string, passphrase: string, ctx: CallContext): Promise<ExportKeysResult> {
    return this.keys.exportTo(path, passphrase, ctx);
  }

  importKeys(path: string, passphrase: string, ctx: CallContext): Promise<ImportKeysResult> {
    return this.keys.importFrom(path, passphrase, ctx);
  }

  /** App preferences plus the read-only data dir and secret store. */
  appSettings(): AppSettingsView {
    return readAppSettings(this.#appSettingsDeps());
  }

  updateAppSettings(patch: AppSettingsPatch, ctx: CallContext): Promise<AppSettingsView> {
    return updateAppSettings(this.#appSettingsDeps(), patch, ctx);
  }

  #appSettingsDeps(): AppSettingsDeps {
    return { dataDir: this.dataDir, settings: this.settings, audit: this.auditLog, events: this.events };
  }

  auditEntries(limit?: number): AuditEntry[] {
    return this.auditLog.read(limit);
  }

  verifyAudit(): AuditVerifyResult {
    return this.auditLog.verify();
  }

  close(): void {
    // Nothing to release yet; later parts (ledger, watchers, timers) close here.
  }
}
