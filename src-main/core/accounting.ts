import type { z } from 'zod';
import type { BudgetAlert, BudgetStatus, SetBudgetInputSchema } from '../shared/budget.js';
import type { RoutingConfig } from '../shared/config.js';
import type { ProviderId } from '../shared/providers.js';
import type { CostEstimate, EstimateCostInput, ExportUsageInput, TokenCount, TrackRequestParsed, TrackResult } from '../shared/usage.js';
import { EstimateCostInputSchema, ExportUsageInputSchema } from '../shared/usage.js';
import { ListPricesInputSchema, type ListPricesInput, type PriceListing, type PriceUpdateResult } from '../shared/prices.js';
import type { AuditLog } from './audit/audit-log.js';
import type { OriginSpend, RecentRequest, RecentRequests, RecentRequestsQuery, RefusedRequest } from '../shared/activity.js';
import { PROVIDER_IDS } from '../shared/providers.js';
import { BudgetManager, countsAgainstBudget } from './budget/budget-manager.js';
import type { CallContext } from './call-context.js';
import { change } from './config/config-change.js';
import type { ConfigStore } from './config/config-store.js';
import type { ServiceEvents } from './events.js';
import { parseInput } from './parse-input.js';
import { defaultModel } from './providers/catalog.js';
import { PriceCatalog } from './prices/price-catalog.js';
import { PriceRefresher } from './prices/price-refresh.js';
import { updatePriceData } from './prices/price-update.js';
import { LedgerActivity } from './usage/ledger-activity.js';
import { LocalCalendar } from './usage/local-calendar.js';
import { OriginSpendTally, type OriginKind } from './usage/origin-spend.js';
import { countTextTokens } from './usage/token-count.js';
import { exportChunks } from './usage/usage-export.js';
import { DEFAULT_RETENTION_DAYS, UsageLedger, type CommitSpan } from './usage/usage-ledger.js';

type SetBudgetParsed = z.output<typeof SetBudgetInputSchema>;

export interface AccountingOptions {
  usagePath: string;
  pricesPath: string;
  /** Price data kept by `keyway prices update`. */
  priceDataPath?: string;
  /** Where `keyway prices update` and the daily refresh fetch from (KEYWAY_PRICES_URL or the library's URL). */
  priceDataUrl?: () => string;
  httpTimeoutMs?: number;
  config: ConfigStore;
  auditLog: AuditLog;
  events: ServiceEvents;
  now: () => Date;
  /** IANA zone for days and months; defaults to the system's. */
  timeZone?: string;
  /** Overrides `usage.retention_days` from routing_config.json. */
  retentionDays?: number;
}

/**
 * Usage, prices and budgets composed: the ledger and budget manager open lazily (so commands that
 * never touch usage never open usage.db) and are wired so each commit emits `usage.tracked`
 * and fires budget alerts (event + audit entry) before the tracking call resolves.
 */
export class Accounting {
  readonly prices: PriceCatalog;
  readonly #options: AccountingOptions;
  #ledger: UsageLedger | undefined;
  #budget: BudgetManager | undefined;
  #refresher: PriceRefresher | undefined;
  #activity: LedgerActivity | undefined;
  #originSpend: OriginSpendTally | undefined;

  constructor(options: AccountingOptions) {
    this.#options = options;
    this.prices = new PriceCatalog({ overridesPath: options.pricesPath, dataPath: options.priceDataPath, now: options.now });
  }

  get ledger(): UsageLedger {
    if (!this.#ledger) {
      const o = this.#options;
      const ledger = new UsageLedger({
        path: o.usagePath,
        catalog: this.prices,
        now: o.now,
        calendar: new LocalCalendar(o.timeZone),
        retentionDays: o.retentionDays ?? this.#config()?.usage?.retention_days ?? DEFAULT_RETENTION_DAYS,
      });
      ledger.setAfterCommit((records, commit) => this.#afterCommit(records, commit));
      this.#ledger = ledger;
    }
    return this.#ledger;
  }

  get budget(): BudgetManager {
    this.#budget ??= new BudgetManager({
      ledger: this.ledger,
      // Not #config(): a budget shown or enforced with default limits while routing_config.json is broken would mislead.
      config: () => this.#options.config.current().budget,
      now: this.#options.now,
      onAlert: (alert) => this.#announce(alert),
    });
    return this.#budget;
  }

  /** Records one request whose input dispatch has already checked against the channel's schema. */
  track(input: TrackRequestParsed, ctx: CallContext): Promise<TrackResult> {
    try {
      return this.ledger.trackParsed(input, { client: ctx.actor });
    } catch (error) {
      // Opening usage.db can fail (corrupt file, permissions): report it the way every failure is reported.
      return Promise.reject(error);
    }
  }

  get #activityLog(): LedgerActivity {
    this.#activity ??= new LedgerActivity(this.ledger, this.#options.now);
    return this.#activity;
  }

  /**
   * Keeps a request the gateway refused before forwarding it (budget or token cap) for the
   * Activity view, and announces it. Never throws: the client already has its answer, and a
   * refusal that cannot be written costs nothing. Returns null when it could not be written.
   */
  recordRefusal(refused: RefusedRequest): RecentRequest | null {
    let entry: RecentRequest;
    try {
      entry = this.#activityLog.recordRefusal(refused);
    } catch {
      return null;
    }
    this.#options.events.emit('usage.refused', entry);
    return entry;
  }

  /** The Activity feed: newest requests first, tracked and refused. */
  recentRequests(query: RecentRequestsQuery): RecentRequests {
    return this.#activityLog.recent(query);
  }

  /** Spend per client or project, today and this month; local (Ollama) never counts as spend. */
  spendByOrigin(by: OriginKind): OriginSpend[] {
    this.#originSpend ??= new OriginSpendTally(this.ledger, PROVIDER_IDS.filter(countsAgainstBudget));
    return this.#originSpend.spend(by, this.#options.now().getTime());
  }

  estimate(input: EstimateCostInput): CostEstimate {
    const parsed = parseInput(EstimateCostInputSchema, input);
    return this.prices.estimate(parsed.provider, parsed.model, parsed);
  }

  /** `keyway prices [provider[/model]]`: rates, tiers, cache rates and where each came from. */
  listPrices(input: ListPricesInput): PriceListing {
    const parsed = parseInput(ListPricesInputSchema, input);
    return parsed.models ? this.prices.listModels(parsed.models) : this.prices.list(parsed.provider, parsed.model);
  }

  /** `keyway prices update`: newer price data through the library's update mechanism, kept in the data dir. */
  updatePrices(): Promise<PriceUpdateResult> {
    return updatePriceData(this.prices, { url: this.#priceUrl(), timeoutMs: this.#options.httpTimeoutMs ?? 10_000, now: this.#options.now });
  }

  /** Long-lived processes only: refresh price data at most daily, in the background. */
  startPriceRefresh(): void {
    this.#refresher ??= new PriceRefresher({ catalog: this.prices, url: this.#priceUrl(), timeoutMs: this.#options.httpTimeoutMs ?? 10_000, now: this.#options.now });
    this.#refresher.start();
  }

  #priceUrl(): string | undefined {
    return this.#options.priceDataUrl?.() || undefined;
  }

  countTokens(provider: ProviderId, model: string | undefined, text: string): Promise<TokenCount> {
    return countTextTokens(provider, model ?? defaultModel(provider), text);
  }

  /** Changes the budget block of routing_config.json (other fields untouched) and records who did it. */
  async setBudget(parsed: SetBudgetParsed, ctx: CallContext): Promise<BudgetStatus> {
    const { provider, ...fields } = parsed;
    const { config } = this.#options;
    const detail = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    await change({ audit: this.#options.auditLog, events: this.#options.events }, 'budget.set', ctx, async () => {
      await config.update((raw) => {
        const budget = asObject(raw, 'budget');
        const target = provider ? asObject(asObject(budget, 'per_provider'), provider) : budget;
        for (const [name, value] of Object.entries(fields)) if (value !== undefined) target[name] = value;
      });
      return { result: undefined, detail, notice: { config: config.path } };
    }, provider ?? null);
    await this.budget.fireAlerts();
    return this.budget.check();
  }

  exportUsage(input: ExportUsageInput): Iterable<string> {
    const parsed = parseInput(ExportUsageInputSchema, input);
    const now = this.#options.now().getTime();
    const calendar = this.ledger.calendar;
    // The same local days as getUsage({days}), also across daylight saving changes.
    const since = parsed.days === undefined ? 0 : calendar.startOfDayKey(calendar.firstDayKey(now, parsed.days));
    return exportChunks(this.ledger.records({ provider: parsed.provider, sinceEpochMs: since }), parsed.format);
  }

  close(): void {
    this.#refresher?.stop();
    this.#budget?.close();
    this.#ledger?.close();
  }

  #config(): RoutingConfig | undefined {
    try {
      return this.#options.config.current();
    } catch {
      // An unreadable routing_config.json must not stop usage from being recorded.
      return undefined;
    }
  }

  #afterCommit(records: readonly TrackResult[], commit: CommitSpan): void | Promise<void> {
    const fireAlerts = this.budget.afterOwnCommit(commit, records);
    for (const record of records) this.#options.events.emit('usage.tracked', record);
    return fireAlerts();
  }

  async #announce(alert: BudgetAlert): Promise<void> {
    this.#options.events.emit('budget.alert', alert);
    await this.#options.auditLog.append({ actor: 'system', action: 'budget.alert', outcome: 'ok', provider: alert.provider, detail: alert.message });
  }
}

function asObject(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = parent[key];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  const fresh: Record<string, unknown> = {};
  parent[key] = fresh;
  return fresh;
}
