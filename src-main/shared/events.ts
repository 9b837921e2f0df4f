import type { ProviderId } from './providers.js';

/**
 * Everything the service announces. Fronts subscribe (MCP resource updates, tray, notifications,
 * the renderer's live view); core modules emit. Payloads never hold secrets.
 * Each part adds its own event here.
 */
export interface ServiceEventMap {
  'key.changed': { action: string; key_id: string; provider: ProviderId };
  'config.changed': { path: string; ok: boolean; error: string | null };
}

export type ServiceEventName = keyof ServiceEventMap;
