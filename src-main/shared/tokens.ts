import { z } from 'zod';
import { ProviderSchema } from './keys.js';
import type { ProviderId } from './providers.js';

/**
 * Who a local token stands for. `dashboard` opens the GUI and `/api` with the owner's powers;
 * `editor` opens only `/mcp` with agent powers; `gateway` lets a program send provider requests
 * through the gateway (agent powers, narrowed by its scope).
 */
export const TOKEN_KINDS = ['dashboard', 'editor', 'gateway'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 _.:@/-]{0,63}$/;

export const TokenScopeSchema = z
  .object({
    providers: z.array(ProviderSchema).min(1, 'providers must name at least one provider').max(4).optional(),
    max_spend_usd: z.number().positive('max_spend_usd must be more than 0').max(1_000_000).optional(),
    project: z
      .string()
      .regex(TOKEN_NAME_PATTERN, 'project must be 1-64 letters, digits, spaces or _ . : @ / -, starting with a letter or digit')
      .optional(),
  })
  .strict();

export type TokenScope = z.output<typeof TokenScopeSchema>;

export const CreateTokenInputSchema = z
  .object({
    kind: z.enum(TOKEN_KINDS, { error: () => `kind must be one of ${TOKEN_KINDS.join(', ')}` }),
    name: z.string().regex(TOKEN_NAME_PATTERN, 'name must be 1-64 letters, digits, spaces or _ . : @ / -, starting with a letter or digit'),
    expires_in_s: z.number().int().min(1, 'expires_in_s must be at least 1').max(10 * 365 * 86_400).optional(),
    scope: TokenScopeSchema.optional(),
  })
  .strict();

export type CreateTokenInput = z.input<typeof CreateTokenInputSchema>;
export type CreateTokenParsed = z.output<typeof CreateTokenInputSchema>;

export const TokenIdSchema = z.object({ id: z.string().regex(/^tok_[a-f0-9]{12}$/, 'id must be a token id such as tok_0123456789ab') }).strict();

/** What lists show of a token: never the token itself, which is shown once, at creation. */
export interface TokenRecord {
  id: string;
  name: string;
  kind: TokenKind;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  /** Last use seen by this process since it started (not persisted on every request). */
  last_used_at: string | null;
  scope: { providers?: ProviderId[]; max_spend_usd?: number; project?: string };
}

export interface CreatedToken {
  record: TokenRecord;
  /** The plaintext token, returned only here. Keyway keeps only its hash. */
  token: string;
}
