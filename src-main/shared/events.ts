import type { RecentRequest } from './activity.js';
import type { BudgetAlert } from './budget.js';
import type { ProviderId } from './providers.js';
import type { TrackResult } from './usage.js';

/**
 * Everything the service announces. Fronts subscribe (MCP resource updates, tray, notifications,
 * the renderer's live view); core modules emit. Payloads never hold secrets.
 * Each part adds its own event here.
 */
export interface ServiceEventMap {
  'key.changed': { action: string; key_id: string; provider: ProviderId };
  'config.changed': { path: string; ok: boolean; error: string | null };
  /** A provider's health changed (up/degraded/down), or one of its keys was found invalid (key_id set). */
  'provider.status': {
    provider: ProviderId;
    status: 'up' | 'degraded' | 'down' | 'unknown';
    previous: 'up' | 'degraded' | 'down' | 'unknown';
    detail: string;
    key_id: string | null;
    key_validation: string | null;
  };
  /** App preferences changed (names of the fields that were set). */
  'settings.changed': { fields: string[] };
  /** One usage record was committed to the ledger (durable). */
  'usage.tracked': TrackResult;
  /** The gateway refused a request before forwarding it (budget or token cap); kept for the Activity view, never as usage. */
  'usage.refused': RecentRequest;
  /** A budget threshold or limit was crossed; fired once per period, across processes. */
  'budget.alert': BudgetAlert;
}

export type ServiceEventName = keyof ServiceEventMap;
