import type { Caller } from '../../shared/caller.js';
import type { ProviderId } from '../../shared/providers.js';
import type { AuditLog } from '../audit/audit-log.js';
import { isKeywayError } from '../errors.js';
import type { ServiceEvents } from '../events.js';

export interface ChangeDeps {
  audit: AuditLog;
  events: ServiceEvents;
}

/** What a change reports once its file is written (under the store's lock, validated). */
export interface Changed<T> {
  result: T;
  /** Secret-free summary for the audit entry (`daily_limit=10`, `enabled,base_url`). */
  detail: string | null;
  provider?: ProviderId | null;
  /** Which notice subscribers get: routing_config.json changed (path) or app settings (fields). */
  notice: { config: string } | { settings: string[] };
}

/**
 * The one path for every change to routing_config.json or the app settings: `mutate` locks,
 * validates and writes through its store; this audits the outcome (refused or failed ones too) and
 * announces it, so the tray, the popover and `api://` subscribers hear of every change, whoever made it.
 */
export async function change<T>(deps: ChangeDeps, action: string, caller: Caller, mutate: () => Promise<Changed<T>>, provider: ProviderId | null = null): Promise<T> {
  let done: Changed<T>;
  try {
    done = await mutate();
  } catch (error) {
    await deps.audit.append({ actor: caller.actor, action, provider, outcome: 'error', error_code: isKeywayError(error) ? error.code : 'internal' });
    throw error;
  }
  await deps.audit.append({ actor: caller.actor, action, provider: done.provider ?? provider, outcome: 'ok', detail: done.detail });
  if ('config' in done.notice) deps.events.emit('config.changed', { path: done.notice.config, ok: true, error: null });
  else deps.events.emit('settings.changed', { fields: done.notice.settings });
  return done.result;
}
