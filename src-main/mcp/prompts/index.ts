import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { PROVIDER_IDS, isProviderId } from '../../shared/providers.js';
import { GetUsageInputSchema } from '../../shared/usage.js';
import type { McpDeps } from '../deps.js';
import { providersDocument, routingDocument, usageDocument } from '../resources/documents.js';

const completeProvider = (value: string | undefined): string[] => PROVIDER_IDS.filter((p) => p.startsWith((value ?? '').toLowerCase()));
// SDK 1.32 looks for the completer inside .optional() when it registers a prompt, but on the
// optional wrapper itself when it answers completion/complete: mark both so the argument stays optional.
const providerArg = () =>
  completable(
    completable(z.string().refine(isProviderId, { error: `provider must be one of ${PROVIDER_IDS.join(', ')}` }), completeProvider)
      .optional()
      .describe('Limit to one provider: anthropic, openai, google or local.'),
    completeProvider,
  );
// Prompt arguments are strings; the day-count rule itself is get_usage's (GetUsageInputSchema), checked here so a bad value is invalid params.
const daysArg = () =>
  z
    .string()
    .superRefine((value, ctx) => {
      const parsed = GetUsageInputSchema.shape.days.safeParse(/^\d{1,9}$/.test(value) ? Number(value) : Number.NaN);
      if (!parsed.success) ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'days must be a whole number' });
    })
    .optional()
    .describe('How many days back (default 30).');

/**
 * The seed's slash commands as prompts. Each embeds the current data (the same documents as the
 * resources), so the model answers from facts rather than from memory.
 */
export function registerPrompts(server: McpServer, deps: McpDeps): void {
  const { service } = deps;
  server.registerPrompt(
    'api-config',
    { title: 'Configure API providers', description: 'Review provider configuration, keys and routing, and suggest what to change.', argsSchema: { provider: providerArg() } },
    ({ provider }) =>
      prompt(
        `Help me configure my AI providers${provider ? ` (focus: ${provider})` : ''}. Using the data below, tell me which providers are enabled, which keys are missing or failing validation, how tasks are routed, and what I should change. Use the Keyway tools (add_api_key with env_var, validate_key, update_provider_config) for changes; never ask me to paste a key into the chat.`,
        { providers: filterProviders(providersDocument(service), provider), routing: routingDocument(service) },
      ),
  );
  server.registerPrompt(
    'api-usage',
    { title: 'View usage statistics', description: 'Summarise requests, tokens and cost per provider and model.', argsSchema: { provider: providerArg(), days: daysArg() } },
    ({ provider, days }) =>
      prompt(
        `Summarise my AI API usage${provider ? ` for ${provider}` : ''} over the last ${days ?? 30} days: requests, success rate, tokens and cost per provider and model, and any trend worth noticing.`,
        usageDocument(service, isProviderId(provider) ? provider : undefined, Number(days ?? 30)),
      ),
  );
  server.registerPrompt(
    'api-costs',
    { title: 'Check costs and budget', description: 'Costs against the daily and monthly budget, with ways to spend less.', argsSchema: { provider: providerArg(), days: daysArg() } },
    ({ provider, days }) =>
      prompt(
        `Check my AI API costs${provider ? ` for ${provider}` : ''} against my budget: how much is spent today and this month, how much remains, whether any alert applies, and which cheaper provider or model would do the same work.`,
        { usage: usageDocument(service, isProviderId(provider) ? provider : undefined, Number(days ?? 30)), recommendations: routingDocument(service) },
      ),
  );
}

function prompt(request: string, data: object): GetPromptResult {
  return {
    messages: [
      { role: 'user', content: { type: 'text', text: `${request}\n\nCurrent Keyway data (JSON):\n${JSON.stringify(data, null, 2)}` } },
    ],
  };
}

function filterProviders(document: object, provider: string | undefined): object {
  if (!isProviderId(provider)) return document;
  const doc = document as { providers?: Array<{ provider: string }> };
  return { ...doc, providers: doc.providers?.filter((p) => p.provider === provider) };
}
