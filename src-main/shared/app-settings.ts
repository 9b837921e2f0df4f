import { z } from 'zod';
import { EnvVarNameSchema, type SecretStoreKind } from './keys.js';

/** App preferences kept in settings.json (not routing_config.json). */
export interface AppSettingsView {
  allow_mcp_key_changes: boolean;
  health_ping_interval_s: number;
  launch_at_login: boolean;
  /** Environment variable names agents may read besides each provider's own. */
  agent_env_vars: string[];
  /** Shown read-only: where this service keeps its files. */
  data_dir: string;
  secret_store: SecretStoreKind | null;
}

export const AppSettingsPatchSchema = z
  .object({
    allow_mcp_key_changes: z.boolean().optional(),
    health_ping_interval_s: z
      .number({ error: 'expected a number of seconds' })
      .int('must be a whole number of seconds')
      .min(5, 'must be at least 5 seconds')
      .max(3600, 'must be at most 3600 seconds (one hour)')
      .optional(),
    launch_at_login: z.boolean().optional(),
    agent_env_vars: z.array(EnvVarNameSchema).max(32, 'at most 32 names').optional(),
  })
  .strict();
export type AppSettingsPatch = z.input<typeof AppSettingsPatchSchema>;
