import { z } from 'zod';
import { RecentRequestsInputSchema, type RecentRequests } from './activity.js';
import { AppSettingsPatchSchema, type AppSettingsView } from './app-settings.js';
import type { AuditEntry, AuditVerifyResult } from './audit.js';
import {
  ReleaseReservationInputSchema,
  ReserveBudgetInputSchema,
  SetBudgetInputSchema,
  SettleReservationInputSchema,
  type BudgetStatus,
  type ReservationResult,
  type ReserveBudgetResult,
} from './budget.js';
import type { Principal } from './caller.js';
import { UpdateProviderConfigInputSchema, type RoutingConfig, type UpdateProviderConfigResult } from './config.js';
import type { DashboardSnapshot } from './dashboard.js';
import {
  AddKeyInputSchema,
  KeyRefSchema,
  ListKeysInputSchema,
  ProviderSchema,
  RotateKeyInputSchema,
  type AddKeyResult,
  type ExportKeysResult,
  type FormatCheck,
  type ImportKeysResult,
  type ListKeysResult,
  type RemoveKeyResult,
  type RotateKeyResult,
} from './keys.js';
import { ListPricesInputSchema, type PriceListing, type PriceUpdateResult } from './prices.js';
import { ProviderStatsInputSchema, type ProviderHealth, type ProviderStatsResult } from './provider-stats.js';
import {
  BestProviderForCostInputSchema,
  RouteRequestInputSchema,
  RoutingRecommendationsInputSchema,
  type BestProviderForCostResult,
  type RouteResult,
  type RoutingRecommendations,
} from './routing.js';
import { UpdateRoutingInputSchema, type UpdateRoutingResult } from './routing-update.js';
import { CreateTokenInputSchema, TOKEN_KINDS, TokenIdSchema, type CreatedToken, type TokenRecord } from './tokens.js';
import {
  EstimateCostInputSchema,
  ExportUsageInputSchema,
  GetUsageInputSchema,
  TrackRequestInputSchema,
  type CostEstimate,
  type GatewayAccessReport,
  type TokenCount,
  type TrackResult,
  type UsageReport,
} from './usage.js';
import { ValidateAllKeysInputSchema, ValidateKeyInputSchema, type KeyValidationResult, type ValidateAllKeysResult } from './validation.js';

const NoInputSchema = z.strictObject({});

export const AuditListInputSchema = z
  .object({ limit: z.number().int().min(1, 'limit must be at least 1').max(1000, 'limit must be at most 1000').default(100) })
  .strict();

export const AuditAccessInputSchema = z.strictObject({
  days: z.number().int().min(1, 'days must be at least 1').max(366, 'days must be at most 366').default(7),
});

const PathSchema = z.string().min(1, 'path must not be empty').max(4096, 'path is longer than 4096 characters');
const PassphraseSchema = z.string().max(1024, 'passphrase is longer than 1024 characters');
export const KeyBackupInputSchema = z.strictObject({ path: PathSchema, passphrase: PassphraseSchema });
export const CheckFormatsInputSchema = z.strictObject({ provider: ProviderSchema.optional() });
export const CountTokensInputSchema = z.strictObject({
  provider: ProviderSchema,
  model: z.string().min(1).max(128).optional(),
  text: z.string().max(16 * 1024 * 1024, 'text is longer than 16 MiB'),
});

export const TokenListInputSchema = z.strictObject({ kind: z.enum(TOKEN_KINDS).optional() });

const OWNER: readonly Principal[] = ['owner'];
const ANYONE: readonly Principal[] = ['owner', 'agent'];

/** One operation of Keyway, as every front sees it. */
export interface ChannelSpec {
  input: z.ZodType;
  /** Changes state (keys, config, settings, usage): agents' calls to it pass the authority check first. */
  mutates: boolean;
  /** Who may call it at all; finer rules for agents live in core/authority.ts. */
  principals: readonly Principal[];
  /** The audit action recorded when a call is refused. */
  action: string;
  /** The result is a sequence of text chunks (an export): carried page by page over the socket, not over /api. */
  stream?: true;
}

const spec = <S extends z.ZodType>(input: S, mutates: boolean, principals: readonly Principal[], action: string, extra: { stream?: true } = {}) =>
  ({ input, mutates, principals, action, ...extra }) as const;

/**
 * The one channel map of Keyway. Electron IPC, the preload facade, HTTP `/api/<channel>`, the CLI
 * (in-process or over the service socket) and the MCP tools all go through `dispatch` in
 * core/dispatch.ts, which takes its schema, principals and audit action from here. Adding an
 * operation: a line here, its result type below, its handler in core/dispatch.ts, and the fronts
 * that show it (a CLI command, an MCP tool, a view).
 */
export const CHANNELS = {
  'dashboard.get': spec(NoInputSchema, false, OWNER, 'dashboard.get'),
  'keys.list': spec(ListKeysInputSchema, false, ANYONE, 'key.list'),
  'keys.add': spec(AddKeyInputSchema, true, ANYONE, 'key.add'),
  'keys.rotate': spec(RotateKeyInputSchema, true, ANYONE, 'key.rotate'),
  'keys.remove': spec(KeyRefSchema, true, ANYONE, 'key.remove'),
  'keys.validate': spec(ValidateKeyInputSchema, true, ANYONE, 'key.validate'),
  'keys.validate_all': spec(ValidateAllKeysInputSchema, true, ANYONE, 'key.validate'),
  'keys.check_formats': spec(CheckFormatsInputSchema, false, OWNER, 'key.validate_format'),
  'keys.export': spec(KeyBackupInputSchema, false, OWNER, 'key.export'),
  'keys.import': spec(KeyBackupInputSchema, true, OWNER, 'key.import'),
  'usage.get': spec(GetUsageInputSchema, false, ANYONE, 'usage.get'),
  'usage.track': spec(TrackRequestInputSchema, true, ANYONE, 'usage.track'),
  'usage.export': spec(ExportUsageInputSchema, false, OWNER, 'usage.export', { stream: true }),
  'usage.recent': spec(RecentRequestsInputSchema, false, OWNER, 'usage.recent'),
  'usage.estimate': spec(EstimateCostInputSchema, false, ANYONE, 'usage.estimate'),
  'usage.count_tokens': spec(CountTokensInputSchema, false, ANYONE, 'usage.count_tokens'),
  'prices.list': spec(ListPricesInputSchema, false, ANYONE, 'prices.list'),
  'prices.update': spec(NoInputSchema, true, OWNER, 'prices.update'),
  'budget.check': spec(NoInputSchema, false, ANYONE, 'budget.check'),
  'budget.set': spec(SetBudgetInputSchema, true, OWNER, 'budget.set'),
  'budget.reserve': spec(ReserveBudgetInputSchema, true, ANYONE, 'budget.reserve'),
  'budget.settle': spec(SettleReservationInputSchema, true, ANYONE, 'budget.settle'),
  'budget.release': spec(ReleaseReservationInputSchema, true, ANYONE, 'budget.release'),
  'providers.stats': spec(ProviderStatsInputSchema, false, ANYONE, 'providers.stats'),
  'providers.check_local': spec(NoInputSchema, false, ANYONE, 'providers.check_local'),
  'providers.update': spec(UpdateProviderConfigInputSchema, true, ANYONE, 'config.update_provider'),
  'routing.route': spec(RouteRequestInputSchema, false, ANYONE, 'routing.route'),
  'routing.best_for_cost': spec(BestProviderForCostInputSchema, false, ANYONE, 'routing.best_for_cost'),
  'routing.recommendations': spec(RoutingRecommendationsInputSchema, false, ANYONE, 'routing.recommendations'),
  'routing.update': spec(UpdateRoutingInputSchema, true, OWNER, 'config.update_routing'),
  'settings.get': spec(NoInputSchema, false, OWNER, 'settings.get'),
  'settings.update': spec(AppSettingsPatchSchema, true, OWNER, 'settings.update'),
  'config.get': spec(NoInputSchema, false, OWNER, 'config.get'),
  'audit.list': spec(AuditListInputSchema, false, OWNER, 'audit.list'),
  'audit.verify': spec(NoInputSchema, false, OWNER, 'audit.verify'),
  'audit.access': spec(AuditAccessInputSchema, false, OWNER, 'audit.access'),
  'tokens.list': spec(TokenListInputSchema, false, OWNER, 'token.list'),
  'tokens.create': spec(CreateTokenInputSchema, true, OWNER, 'token.create'),
  'tokens.revoke': spec(TokenIdSchema, true, OWNER, 'token.revoke'),
} as const satisfies Record<string, ChannelSpec>;

/** What each channel returns on success (the CLI's `--json`, `/api`, IPC and MCP structuredContent). */
export interface ChannelResults {
  'dashboard.get': DashboardSnapshot;
  'keys.list': ListKeysResult;
  'keys.add': AddKeyResult;
  'keys.rotate': RotateKeyResult;
  'keys.remove': RemoveKeyResult;
  'keys.validate': KeyValidationResult;
  'keys.validate_all': ValidateAllKeysResult;
  'keys.check_formats': FormatCheck[];
  'keys.export': ExportKeysResult;
  'keys.import': ImportKeysResult;
  'usage.get': UsageReport;
  'usage.track': TrackResult;
  'usage.export': Iterable<string>;
  'usage.recent': RecentRequests;
  'usage.estimate': CostEstimate;
  'usage.count_tokens': TokenCount;
  'prices.list': PriceListing;
  'prices.update': PriceUpdateResult;
  'budget.check': BudgetStatus;
  'budget.set': BudgetStatus;
  'budget.reserve': ReserveBudgetResult;
  'budget.settle': ReservationResult;
  'budget.release': ReservationResult;
  'providers.stats': ProviderStatsResult;
  'providers.check_local': ProviderHealth;
  'providers.update': UpdateProviderConfigResult;
  'routing.route': RouteResult;
  'routing.best_for_cost': BestProviderForCostResult;
  'routing.recommendations': RoutingRecommendations;
  'routing.update': UpdateRoutingResult;
  'settings.get': AppSettingsView;
  'settings.update': AppSettingsView;
  'config.get': RoutingConfig;
  'audit.list': AuditEntry[];
  'audit.verify': AuditVerifyResult;
  'audit.access': GatewayAccessReport;
  'tokens.list': { tokens: TokenRecord[] };
  'tokens.create': CreatedToken;
  'tokens.revoke': TokenRecord;
}

export type Channel = keyof typeof CHANNELS & keyof ChannelResults;
/** What a caller sends (defaults not yet applied). */
export type ChannelInput<C extends Channel> = z.input<(typeof CHANNELS)[C]['input']>;
/** What the core receives: validated, defaults applied. */
export type ChannelParsed<C extends Channel> = z.output<(typeof CHANNELS)[C]['input']>;
export type ChannelResult<C extends Channel> = ChannelResults[C];
/** Channels whose result is one JSON value (everything but streams). */
export type JsonChannel = { [C in Channel]: (typeof CHANNELS)[C] extends { stream: true } ? never : C }[Channel];

export const CHANNEL_NAMES = Object.keys(CHANNELS) as Channel[];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(CHANNELS, value);
}
