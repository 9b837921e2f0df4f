import { z } from 'zod';
import { PROVIDER_IDS } from '../shared/providers.js';

/**
 * Output schemas for the MCP tools: the shape of the shared result types (src-main/shared/) as
 * the model sees them. Loose objects, so a field the service adds later never breaks a tool.
 */
const provider = z.enum(PROVIDER_IDS);
const nullableString = z.string().nullable();

export const KeyRecordOutput = z.looseObject({
  id: z.string(),
  provider,
  label: z.string(),
  masked: z.string(),
  fingerprint: z.string(),
  source: z.string(),
  store: z.enum(['keychain', 'file']),
  created_at: z.string(),
  updated_at: z.string(),
  last_used_at: nullableString,
  last_validated_at: nullableString,
  validation: z.string(),
  validation_detail: nullableString,
  previous_fingerprint: nullableString,
  previous_expires_at: nullableString,
});

export const AddKeyOutput = z.looseObject({ key: KeyRecordOutput, created: z.boolean(), warnings: z.array(z.string()) });
export const RotateKeyOutput = z.looseObject({ key: KeyRecordOutput, warnings: z.array(z.string()) });
export const RemoveKeyOutput = z.looseObject({ removed: KeyRecordOutput });
export const ListKeysOutput = z.looseObject({ keys: z.array(KeyRecordOutput), store: z.enum(['keychain', 'file']).nullable() });

const nullableNumber = z.number().nullable();

export const KeyValidationOutput = z.looseObject({
  key_id: z.string(),
  provider,
  label: z.string(),
  masked: z.string(),
  fingerprint: z.string(),
  outcome: z.string(),
  ok: z.boolean(),
  http_status: nullableNumber,
  latency_ms: nullableNumber,
  detail: z.string(),
  checked_at: z.string(),
  offline: z.boolean(),
});
export const ValidateAllKeysOutput = z.looseObject({ results: z.array(KeyValidationOutput), valid: z.number(), failed: z.number() });

const skipped = z.looseObject({ provider, reason: z.string(), detail: z.string() });
export const RouteOutput = z.looseObject({
  task_type: z.string(),
  provider,
  model: nullableString,
  reason: z.string(),
  chain: z.array(provider),
  skipped: z.array(skipped),
  fallback_used: z.boolean(),
  known_task_type: z.boolean(),
  estimated_cost_usd: nullableNumber,
});

export const RecommendationsOutput = z.looseObject({
  generated_at: z.string(),
  tasks: z.array(z.looseObject({ task_type: z.string() })),
  advice: z.array(z.looseObject({ kind: z.string(), message: z.string() })),
});

export const ProviderStatsOutput = z.looseObject({
  generated_at: z.string(),
  providers: z.array(z.looseObject({ provider, enabled: z.boolean(), has_key: z.boolean(), health: z.looseObject({ status: z.string() }) })),
});

const totals = {
  requests: z.number(),
  successes: z.number(),
  failures: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: z.number(),
};
export const UsageOutput = z.looseObject({
  provider: provider.nullable(),
  days: z.number(),
  from_day: z.string(),
  to_day: z.string(),
  totals: z.looseObject(totals),
  by_provider: z.array(z.looseObject({ provider, ...totals })),
  by_model: z.array(z.looseObject({ provider, model: z.string(), ...totals })),
  daily: z.array(z.looseObject({ day: z.string(), ...totals })),
});

/** How a cost was priced: the entry (differs from model for a dated id or alias), its source and data version, and the tier billed. */
const pricing = {
  priced_as: nullableString,
  price_source: z.enum(['override', 'catalog', 'seed', 'local']).nullable(),
  price_version: nullableString,
  tier: z.looseObject({ above_input_tokens: z.number() }).nullable(),
};

export const CostEstimateOutput = z.looseObject({
  provider,
  model: z.string(),
  ...pricing,
  input_tokens: z.number(),
  output_tokens: z.number(),
  input_per_1k_usd: nullableNumber,
  output_per_1k_usd: nullableNumber,
  cost_usd: nullableNumber,
  warnings: z.array(z.string()),
});

export const BudgetOutput = z.looseObject({
  enabled: z.boolean(),
  status: z.enum(['ok', 'warning', 'exceeded']),
  periods: z.array(z.looseObject({ period: z.string(), limit_usd: z.number(), spent_usd: z.number(), remaining_usd: z.number(), status: z.string() })),
  alerts: z.array(z.looseObject({ message: z.string() })),
  checked_at: z.string(),
});

export const TrackOutput = z.looseObject({
  id: z.number(),
  time: z.string(),
  provider,
  model: z.string(),
  ...pricing,
  input_tokens: z.number(),
  output_tokens: z.number(),
  success: z.boolean(),
  cost_usd: nullableNumber,
  warnings: z.array(z.string()),
});

export const UpdateProviderConfigOutput = z.looseObject({ provider, config: z.looseObject({ enabled: z.boolean(), models: z.array(z.string()) }), path: z.string() });

export const BestForCostOutput = z.looseObject({
  provider,
  model: nullableString,
  estimated_cost_usd: nullableNumber,
  reason: z.string(),
  ranking: z.array(z.looseObject({ provider, estimated_cost_usd: nullableNumber, available: z.boolean() })),
});
