import type { RoutingConfigInput } from '../../shared/config.js';

/** What a first run writes: the seed's routing table, fallback order and budget. */
export const DEFAULT_ROUTING_CONFIG: RoutingConfigInput = {
  providers: {
    anthropic: { enabled: true, models: ['claude-3-5-sonnet-20241022'], rate_limit: 100 },
    openai: { enabled: true, models: ['gpt-4-turbo'], rate_limit: 100 },
    google: { enabled: true, models: ['gemini-pro'], rate_limit: 100 },
    local: { enabled: true, models: ['codellama', 'mistral', 'llama2'], rate_limit: 100 },
  },
  routing: {
    code_generation: 'anthropic',
    code_review: 'anthropic',
    chat: 'anthropic',
    summarization: 'anthropic',
    analysis: 'openai',
    embeddings: 'local',
  },
  fallback_order: ['anthropic', 'openai', 'google', 'local'],
  budget: { enabled: true, daily_limit: 10.0, monthly_limit: 100.0, alert_threshold: 0.8 },
};
