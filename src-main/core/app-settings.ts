import type { z } from 'zod';
import type { AppSettingsPatchSchema, AppSettingsView } from '../shared/app-settings.js';
import type { AuditLog } from './audit/audit-log.js';
import type { CallContext } from './call-context.js';
import type { SettingsStore } from './config/settings-store.js';
import type { ServiceEvents } from './events.js';
import { change } from './config/config-change.js';

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
export async function updateAppSettings(deps: AppSettingsDeps, parsed: z.output<typeof AppSettingsPatchSchema>, ctx: CallContext): Promise<AppSettingsView> {
  const fields = Object.keys(parsed).sort();
  return change(deps, 'settings.update', ctx, async () => {
    await deps.settings.update((data) => {
      data.app = { ...data.app, ...parsed };
    });
    return {
      result: readAppSettings(deps),
      detail: fields.map((field) => `${field}=${JSON.stringify(parsed[field as keyof typeof parsed])}`).join(' ') || null,
      notice: { settings: fields },
    };
  });
}
