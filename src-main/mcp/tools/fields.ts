import { z } from 'zod';
import { EnvVarNameSchema, ProviderSchema, SecretValueSchema } from '../../shared/keys.js';
import { LABEL_PATTERN } from '../../shared/keys.js';

/** Parameter schemas shared by several tools, each with a description a model can act on. */
export const providerParam = ProviderSchema.describe('AI provider: anthropic, openai, google or local (Ollama).');
export const labelParam = z
  .string()
  .regex(LABEL_PATTERN, 'label must be 1-32 letters, digits, ".", "_" or "-"')
  .optional()
  .describe('Which key of this provider, when the user keeps several (e.g. "work"). Default "default".');
export const envVarParam = EnvVarNameSchema.optional().describe(
  'Name of an environment variable that holds the key, e.g. ANTHROPIC_API_KEY. Preferred: the secret never enters the conversation.',
);
export const secretParam = (what: string) =>
  SecretValueSchema.optional().describe(
    `${what} itself. Only if the user pasted it on purpose; prefer env_var, which keeps the secret out of the conversation and the model context.`,
  );
export const tokensParam = (what: string) => z.number().int().min(0).max(100_000_000).describe(what);
export const taskTypeParam = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'task_type must be snake_case, e.g. code_generation')
  .describe('Kind of work: code_generation, code_review, chat, analysis, data_extraction, embeddings, or another snake_case name.');
export const modelParam = z
  .string()
  .min(1)
  .max(128)
  .optional()
  .describe('Model id, e.g. claude-3-5-sonnet-20241022. Default: the provider\'s default model.');
