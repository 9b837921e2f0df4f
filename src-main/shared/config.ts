import { z } from 'zod';
import { typoChecked } from './field-typos.js';
import { CONTROL_CHARS_MESSAGE, hasNoControlChars } from './plain-text.js';
import { PROVIDER_IDS } from './providers.js';

const providerId = z.enum(PROVIDER_IDS, { error: () => `expected one of ${PROVIDER_IDS.join(', ')}` });
const money = z.number({ error: 'expected a number of US dollars' }).finite().min(0, 'must be 0 or more');
/**
 * Where a provider's API is. Paths are appended to it, and it is shown in `keyway providers`, so it
 * may carry neither a query or fragment (the path would land after them) nor a user name or
 * password (they would be shown; put credentials in the key instead).
 */
const baseUrl = z
  .string()
  // Before the URL check, which would quietly drop a tab or newline rather than refuse it.
  .refine(hasNoControlChars, CONTROL_CHARS_MESSAGE)
  .check(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }))
  .refine(
    (value) => {
      // Zod runs this even after the URL check failed; that failure is already reported.
      if (!URL.canParse(value)) return true;
      const url = new URL(value);
      return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
    },
    { message: 'expected a plain http(s) URL, without user name, password, ?query or #fragment' },
  );
/** A model name as routing_config.json lists it: shown in tables and sent to providers. */
const modelName = z.string().min(1, 'model names cannot be empty').refine(hasNoControlChars, `model names ${CONTROL_CHARS_MESSAGE}`);
const rateLimit = z
  .number({ error: 'expected a number of requests per minute' })
  .int('must be a whole number of requests per minute')
  .positive('must be a positive number of requests per minute')
  .max(1_000_000, 'must be at most 1,000,000 requests per minute');

/** One provider's block in routing_config.json. Unknown fields are kept, never dropped. */
export const ProviderConfigSchema = typoChecked(
  z.looseObject({
    enabled: z.boolean().default(true),
    models: z.array(modelName).default([]),
    rate_limit: rateLimit.default(100),
    base_url: baseUrl.optional(),
  }),
);

export const ProviderLimitSchema = z.strictObject({
  daily_limit: money.optional(),
  monthly_limit: money.optional(),
});

export const BudgetConfigSchema = typoChecked(
  z.looseObject({
    enabled: z.boolean().default(true),
    daily_limit: money.default(10),
    monthly_limit: money.default(100),
    alert_threshold: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1 (a fraction such as 0.8)').default(0.8),
    per_provider: z.partialRecord(providerId, ProviderLimitSchema).optional(),
  }),
);

/** Circuit breaker tuning (optional block; Keyway's addition to the seed format). */
export const CircuitBreakerConfigSchema = z.strictObject({
  failure_threshold: z.number().int().min(1, 'must be at least 1').max(100).default(3),
  cooldown_s: z.number().min(1, 'must be at least 1 second').max(3600).default(30),
});

/** Usage ledger settings (optional block; Keyway's addition to the seed format). */
export const UsageConfigSchema = z.strictObject({
  retention_days: z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(36_600).default(400),
});

/** Health monitoring (optional block): periodic remote checks cost quota, so they are off unless set. */
export const HealthConfigSchema = z.strictObject({
  remote_check_interval_s: z.number().int().min(60, 'must be at least 60 seconds (each check costs quota)').max(86_400).optional(),
});

/**
 * routing_config.json, in the seed's format. `providers` and `routing` only accept known provider
 * names, and field names one slip from a known one are refused, so a typo is reported with its
 * field path instead of being ignored.
 */
export const RoutingConfigSchema = typoChecked(
  z.looseObject({
    providers: z.partialRecord(providerId, ProviderConfigSchema).default({}),
    routing: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'task types are snake_case'), providerId).default({}),
    fallback_order: z.array(providerId).default([]),
    budget: BudgetConfigSchema.default(() => BudgetConfigSchema.parse({})),
    circuit_breaker: CircuitBreakerConfigSchema.optional(),
    health: HealthConfigSchema.optional(),
    usage: UsageConfigSchema.optional(),
  }),
);

/** The seed's update_provider_config: change one provider's block; `base_url: null` removes it. */
export const UpdateProviderConfigInputSchema = z
  .strictObject({
    provider: providerId,
    enabled: z.boolean().optional(),
    models: z
      .array(modelName.max(128, 'model names are at most 128 characters'))
      .max(64, 'at most 64 models per provider')
      .optional(),
    rate_limit: rateLimit.optional(),
    base_url: baseUrl.nullable().optional(),
  })
  .refine((v) => v.enabled !== undefined || v.models !== undefined || v.rate_limit !== undefined || v.base_url !== undefined, {
    message: 'nothing to change: give at least one of enabled, models, rate_limit, base_url',
  });
export type UpdateProviderConfigInput = z.input<typeof UpdateProviderConfigInputSchema>;
export type UpdateProviderConfigParsed = z.output<typeof UpdateProviderConfigInputSchema>;

export interface UpdateProviderConfigResult {
  provider: z.output<typeof providerId>;
  config: ProviderConfig;
  path: string;
}

export type ProviderConfig = z.output<typeof ProviderConfigSchema>;

/** A provider's block, with the schema's defaults when routing_config.json does not list it. */
export function providerConfigOf(config: RoutingConfig, provider: z.output<typeof providerId>): ProviderConfig {
  return config.providers[provider] ?? ProviderConfigSchema.parse({});
}
export type BudgetConfig = z.output<typeof BudgetConfigSchema>;
export type RoutingConfig = z.output<typeof RoutingConfigSchema>;
export type RoutingConfigInput = z.input<typeof RoutingConfigSchema>;
