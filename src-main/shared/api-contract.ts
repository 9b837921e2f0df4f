import { z } from 'zod';
import { AppSettingsPatchSchema, type AppSettingsView } from './app-settings.js';
import type { AuditEntry } from './audit.js';
import { SetBudgetInputSchema, type BudgetStatus } from './budget.js';
import { UpdateProviderConfigInputSchema, type RoutingConfig, type UpdateProviderConfigResult } from './config.js';
import type { DashboardSnapshot } from './dashboard.js';
import type { ErrorInfo } from './errors.js';
import type { ServiceEventName } from './events.js';
import {
  AddKeyInputSchema,
  KeyRefSchema,
  ListKeysInputSchema,
  RotateKeyInputSchema,
  type AddKeyResult,
  type ListKeysResult,
  type RemoveKeyResult,
  type RotateKeyResult,
} from './keys.js';
import { ListPricesInputSchema, type PriceListing } from './prices.js';
import { ProviderStatsInputSchema, type ProviderStatsResult } from './provider-stats.js';
import { RoutingRecommendationsInputSchema, type RoutingRecommendations } from './routing.js';
import { UpdateRoutingInputSchema, type UpdateRoutingResult } from './routing-update.js';
import { GetUsageInputSchema, type UsageReport } from './usage.js';
import { ValidateKeyInputSchema, type KeyValidationResult } from './validation.js';

const NoInputSchema = z.object({}).strict();

export const AuditListInputSchema = z
  .object({ limit: z.number().int().min(1, 'limit must be at least 1').max(1000, 'limit must be at most 1000').default(100) })
  .strict();

/**
 * The one channel map of the app's API. Electron IPC handlers, the preload facade, the HTTP
 * `/api/<channel>` routes and the renderer's client are all derived from it, and every input is
 * validated in main or the server with these schemas.
 */
export const API_INPUTS = {
  'dashboard.get': NoInputSchema,
  'keys.list': ListKeysInputSchema,
  'keys.add': AddKeyInputSchema,
  'keys.rotate': RotateKeyInputSchema,
  'keys.remove': KeyRefSchema,
  'keys.validate': ValidateKeyInputSchema,
  'usage.get': GetUsageInputSchema,
  'budget.check': NoInputSchema,
  'budget.set': SetBudgetInputSchema,
  'providers.stats': ProviderStatsInputSchema,
  'providers.update': UpdateProviderConfigInputSchema,
  'prices.list': ListPricesInputSchema,
  'routing.recommendations': RoutingRecommendationsInputSchema,
  'routing.update': UpdateRoutingInputSchema,
  'settings.get': NoInputSchema,
  'settings.update': AppSettingsPatchSchema,
  'config.get': NoInputSchema,
  'audit.list': AuditListInputSchema,
} as const satisfies Record<string, z.ZodType>;

/** What each channel returns on success. */
export interface ApiResults {
  'dashboard.get': DashboardSnapshot;
  'keys.list': ListKeysResult;
  'keys.add': AddKeyResult;
  'keys.rotate': RotateKeyResult;
  'keys.remove': RemoveKeyResult;
  'keys.validate': KeyValidationResult;
  'usage.get': UsageReport;
  'budget.check': BudgetStatus;
  'budget.set': BudgetStatus;
  'providers.stats': ProviderStatsResult;
  'providers.update': UpdateProviderConfigResult;
  'prices.list': PriceListing;
  'routing.recommendations': RoutingRecommendations;
  'routing.update': UpdateRoutingResult;
  'settings.get': AppSettingsView;
  'settings.update': AppSettingsView;
  'config.get': RoutingConfig;
  'audit.list': AuditEntry[];
}

export type ApiChannel = keyof typeof API_INPUTS & keyof ApiResults;
export type ApiInput<C extends ApiChannel> = z.input<(typeof API_INPUTS)[C]>;
export type ApiParsedInput<C extends ApiChannel> = z.output<(typeof API_INPUTS)[C]>;
export type ApiResult<C extends ApiChannel> = ApiResults[C];

/** Every call answers with this envelope; expected failures are `ok: false`, never thrown across the bridge. */
export type ApiResponse<C extends ApiChannel> = { ok: true; result: ApiResult<C> } | { ok: false; error: ErrorInfo };

export const API_CHANNELS = Object.keys(API_INPUTS) as ApiChannel[];

export function isApiChannel(value: unknown): value is ApiChannel {
  return typeof value === 'string' && Object.hasOwn(API_INPUTS, value);
}

/** A pushed notice that something changed; the renderer re-reads what it shows. Carries no data. */
export interface ApiEvent {
  name: ServiceEventName;
}

/** The typed facade the Electron preload exposes as `window.keyway`. */
export interface KeywayBridge {
  call<C extends ApiChannel>(channel: C, input: ApiInput<C>): Promise<ApiResponse<C>>;
  /** Subscribes to change notices; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** Asks main which view to show (set when a notification or menu item opened the popover). */
  onNavigate(listener: (view: string) => void): () => void;
}
