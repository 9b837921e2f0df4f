import { AppSettingsPatchSchema, type AppSettingsView } from '../shared/app-settings.js';
import type { AuditLog } from './audit/audit-log.js';
import type { CallContext } from './call-context.js';
import type { SettingsStore } from './config/settings-store.js';
import type { ServiceEvents } from './events.js';
import { parseInput } from './parse-input.js';

export interface AppSettingsDeps {
  dataDir: string;
  settings: SettingsStore;
  audit: AuditLog;
  events: ServiceEvents;
}

/** The app preferences as every front shows them, with the data dir and secret store read-only. */
export function readAppSettings(deps: AppSettingsDeps): AppSettingsView {
  const data = deps.settings.read();
  return { ...data.app, data_dir: deps.dataDir, secret_store: data.secret_store };
}

/**
 * Changes app preferences. Audited, because `allow_mcp_key_changes` decides whether editors may
 * add or remove keys.
 */
export async function updateAppSettings(deps: AppSettingsDeps, patch: unknown, ctx: CallContext): Promise<AppSettingsView> {
  const parsed = parseInput(AppSettingsPatchSchema, patch);
  const fields = Object.keys(parsed).sort();
  await deps.settings.update((data) => {
    data.app = { ...data.app, ...parsed };
  });
  await deps.audit.append({
    actor: ctx.actor,
    action: 'settings.update',
    outcome: 'ok',
    detail: fields.map((field) => `${field}=${JSON.stringify(parsed[field as keyof typeof parsed])}`).join(' ') || null,
  });
  deps.events.emit('settings.changed', { fields });
  return readAppSettings(deps);
}
