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
import type {
  BudgetStatus,
  ReleaseReservationInput,
  ReservationResult,
  ReserveBudgetInput,
  ReserveBudgetResult,
  SetBudgetInput,
  SettleReservationInput,
} from '../shared/budget.js';
import type { CostEstimate, EstimateCostInput, ExportUsageInput, GatewayAccessReport, GetUsageInput, TokenCount, TrackRequestInput, TrackResult, UsageReport } from '../shared/usage.js';
import type { BudgetManager } from './budget/budget-manager.js';
import type { PriceCatalog } from './prices/price-catalog.js';
import { Accounting } from './accounting.js';
import type { UsageLedger } from './usage/usage-ledger.js';
import type { ListPricesInput, PriceListing, PriceUpdateResult } from '../shared/prices.js';
import { readAppSettings, type AppSettingsDeps } from './app-settings.js';
import { AuditLog } from './audit/audit-log.js';
import type { CallContext } from './call-context.js';
import { ConfigStore } from './config/config-store.js';
import { SettingsStore } from './config/settings-store.js';
import type { UpdateRoutingInput, UpdateRoutingResult } from '../shared/routing-update.js';
import { ServiceEvents } from './events.js';
import { dataFiles, ensureDataDir, resolveDataDir } from './data-dir.js';
import { KeyVault } from './vault/key-vault.js';
import { ProviderServices, httpTimeoutFromEnv, type ProviderServiceOptions } from './routing/provider-services.js';
import { ledgerUsage } from './routing/ledger-usage.js';
import type { UpdateProviderConfigInput, UpdateProviderConfigResult } from '../shared/config.js';
import type { ProviderHealth, ProviderStatsInput, ProviderStatsResult } from '../shared/provider-stats.js';
import type {
  BestProviderForCostInput,
  BestProviderForCostResult,
  RouteRequestInput,
  RouteResult,
  RoutingRecommendations,
  RoutingRecommendationsInput,
} from '../shared/routing.js';
import type { KeyValidationResult, ValidateAllKeysResult } from '../shared/validation.js';
import { openSecretStore } from './vault/select-store.js';
import type { Caller } from '../shared/caller.js';
import type { Channel, ChannelInput, ChannelResult } from '../shared/channels.js';
import { dispatch } from './dispatch.js';
import { TokenStore } from './tokens/token-store.js';

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
  /** IANA time zone for usage days and budget periods (tests); defaults to KEYWAY_TZ, then the system's. */
  timeZone?: string;
  /** Days raw usage records are kept; defaults to routing_config.json `usage.retention_days` (400). */
  usageRetentionDays?: number;
  /** Routing, health and validation tuning (timeouts, ping interval, circuit breaker); tests shorten them. */
  providers?: ProviderServiceOptions;
}

/** The one object that owns Keyway's state. Every front (CLI, MCP, HTTP, Electron) calls this. */
export class KeywayService {
  readonly dataDir: string;
  readonly settings: SettingsStore;
  readonly auditLog: AuditLog;
  readonly config: ConfigStore;
  readonly keys: KeyVault;
  /** Local tokens (dashboard, editor, gateway): hashes only, in tokens.json. */
  readonly tokens: TokenStore;
  readonly events = new ServiceEvents();
  readonly now: () => Date;
  /** Usage ledger, prices and budgets (ledger and budgets open on first use). */
  readonly accounting: Accounting;
  /** Routing, provider health, circuit breakers, live validation, config watching. */
  readonly providers: ProviderServices;

  private constructor(dataDir: string, options: ServiceOptions) {
    const env = options.env ?? process.env;
    const files = dataFiles(dataDir);
    this.dataDir = dataDir;
    this.now = options.now ?? (() => new Date());
    this.settings = new SettingsStore(dataDir);
    this.auditLog = new AuditLog(files.audit, this.now, () => this.keys.rawStore());
    this.tokens = new TokenStore({ dataDir, now: () => this.now().getTime() });
    this.config = new ConfigStore(options.configPath ?? (env.KEYWAY_CONFIG || files.routingConfig));
    this.accounting = new Accounting({
      usagePath: files.usage,
      pricesPath: files.prices,
      priceDataPath: files.priceData,
      priceDataUrl: () => env.KEYWAY_PRICES_URL ?? '',
      httpTimeoutMs: httpTimeoutFromEnv(env),
      config: this.config,
      auditLog: this.auditLog,
      events: this.events,
      now: this.now,
      timeZone: options.timeZone ?? (env.KEYWAY_TZ || undefined),
      retentionDays: options.usageRetentionDays,
    });
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
    this.providers = new ProviderServices({
      config: this.config,
      keys: this.keys,
      audit: this.auditLog,
      events: this.events,
      env,
      now: this.now,
      pingIntervalS: () => this.settings.read().app.health_ping_interval_s,
      usage: ledgerUsage({ ledger: () => this.usage, prices: () => this.prices, budget: () => this.budget }),
      options: options.providers,
    });
  }

  /** One call of a channel through the one dispatch (validation, authority, audit of refusals): what every front uses. */
  call<C extends Channel>(channel: C, input: ChannelInput<C>, caller: Caller): Promise<ChannelResult<C>> {
    return dispatch(this, channel, input, caller);
  }

  static open(options: ServiceOptions = {}): KeywayService {
    const dataDir = ensureDataDir(resolveDataDir(options.dataDir, options.env ?? process.env));
    return new KeywayService(dataDir, options);
  }

  addKey(input: AddKeyInput, ctx: CallContext): Promise<AddKeyResult> {
    return this.call('keys.add', input, ctx);
  }

  rotateKey(input: RotateKeyInput, ctx: CallContext): Promise<RotateKeyResult> {
    return this.call('keys.rotate', input, ctx);
  }

  removeKey(input: KeyRef, ctx: CallContext): Promise<RemoveKeyResult> {
    return this.call('keys.remove', input, ctx);
  }

  listKeys(input: ListKeysInput = {}): ListKeysResult {
    return this.keys.list(input);
  }

  checkKeyFormats(provider: ProviderId | undefined, ctx: CallContext): Promise<FormatCheck[]> {
    return this.call('keys.check_formats', { provider }, ctx);
  }

  exportKeys(path: string, passphrase: string, ctx: CallContext): Promise<ExportKeysResult> {
    return this.call('keys.export', { path, passphrase }, ctx);
  }

  importKeys(path: string, passphrase: string, ctx: CallContext): Promise<ImportKeysResult> {
    return this.call('keys.import', { path, passphrase }, ctx);
  }

  /** The usage ledger (router queries: countRequestsSince, providerActivity). */
  get usage(): UsageLedger {
    return this.accounting.ledger;
  }

  get budget(): BudgetManager {
    return this.accounting.budget;
  }

  /** Model prices (catalog + seed + prices.json); `prices.costUsd(provider, model, in, out)` for routing. */
  get prices(): PriceCatalog {
    return this.accounting.prices;
  }

  trackRequest(input: TrackRequestInput, ctx: CallContext): Promise<TrackResult> {
    return this.call('usage.track', input, ctx);
  }

  getUsage(input: GetUsageInput = {}): UsageReport {
    return this.usage.getUsage(input);
  }

  /** The gateway's access log for keys: requests per local day, key and client. */
  gatewayAccess(days: number): GatewayAccessReport {
    return this.usage.gatewayAccess(days);
  }

  estimateCost(input: EstimateCostInput): CostEstimate {
    return this.accounting.estimate(input);
  }

  countTokens(provider: ProviderId, model: string | undefined, text: string): Promise<TokenCount> {
    return this.accounting.countTokens(provider, model, text);
  }

  /** Per-1M rates, tiers, cache rates and their source (seed, catalog and its data date, prices.json). */
  listPrices(input: ListPricesInput = {}): PriceListing {
    return this.accounting.listPrices(input);
  }

  /** Fetches newer price data, validates and keeps it; offline it throws prices_unavailable and nothing changes. */
  updatePrices(): Promise<PriceUpdateResult> {
    return this.accounting.updatePrices();
  }

  checkBudget(): BudgetStatus {
    return this.budget.check();
  }

  setBudget(input: SetBudgetInput, ctx: CallContext): Promise<BudgetStatus> {
    return this.call('budget.set', input, ctx);
  }

  reserveBudget(input: ReserveBudgetInput): ReserveBudgetResult {
    return this.budget.reserve(input);
  }

  settleReservation(input: SettleReservationInput): ReservationResult {
    return this.budget.settle(input);
  }

  releaseReservation(input: ReleaseReservationInput): ReservationResult {
    return this.budget.release(input);
  }

  /** Raw records as CSV or JSON text, in chunks (stream them; a ledger can be large). */
  exportUsage(input: ExportUsageInput = {}): Iterable<string> {
    return this.accounting.exportUsage(input);
  }

  /** App preferences plus the read-only data dir and secret store. */
  appSettings(): AppSettingsView {
    return readAppSettings(this.#appSettingsDeps());
  }

  updateAppSettings(patch: AppSettingsPatch, ctx: CallContext): Promise<AppSettingsView> {
    return this.call('settings.update', patch, ctx);
  }

  #appSettingsDeps(): AppSettingsDeps {
    return { dataDir: this.dataDir, settings: this.settings, audit: this.auditLog, events: this.events };
  }

  auditEntries(limit?: number): AuditEntry[] {
    return this.auditLog.read(limit);
  }

  verifyAudit(): Promise<AuditVerifyResult> {
    return this.auditLog.verify();
  }

  /** Picks a provider and model for a task: preferred, the task's provider, then fallback_order. */
  routeRequest(input: RouteRequestInput): RouteResult {
    return this.providers.route(input);
  }

  getBestProviderForCost(input: BestProviderForCostInput): BestProviderForCostResult {
    return this.providers.bestForCost(input);
  }

  getRoutingRecommendations(input: RoutingRecommendationsInput = {}): RoutingRecommendations {
    return this.providers.recommendations(input);
  }

  getProviderStats(input: ProviderStatsInput = {}): ProviderStatsResult {
    return this.providers.stats(input);
  }

  /** Format check, then (unless offline) one authenticated call to the provider; stored and audited. */
  validateKey(provider: ProviderId, label: string | undefined, options: { offline?: boolean }, ctx: CallContext): Promise<KeyValidationResult> {
    return this.call('keys.validate', { provider, label, offline: options.offline }, ctx);
  }

  validateAllKeys(options: { offline?: boolean }, ctx: CallContext): Promise<ValidateAllKeysResult> {
    return this.call('keys.validate_all', { offline: options.offline }, ctx);
  }

  updateProviderConfig(provider: ProviderId, patch: Omit<UpdateProviderConfigInput, 'provider'>, ctx: CallContext): Promise<UpdateProviderConfigResult> {
    return this.call('providers.update', { ...patch, provider }, ctx);
  }

  /** Sets task types in the routing table and/or the fallback order (routing_config.json). */
  updateRouting(input: UpdateRoutingInput, ctx: CallContext): Promise<UpdateRoutingResult> {
    return this.call('routing.update', input, ctx);
  }

  /** Pings Ollama once now (one-shot commands run no background pings). */
  checkLocalHealth(): Promise<ProviderHealth> {
    return this.providers.checkLocal();
  }

  /** Long-lived processes only (tray, `keyway serve`): Ollama pings and routing_config.json watching. */
  startBackgroundTasks(): void {
    this.providers.start();
    this.accounting.startPriceRefresh();
  }

  close(): void {
    this.providers.stop();
    this.accounting.close();
    // Nothing to release yet; later parts (ledger, watchers, timers) close here.
  }
}
