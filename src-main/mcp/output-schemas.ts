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
