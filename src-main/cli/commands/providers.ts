import { InvalidArgumentError, type Command } from 'commander';
import type { UpdateProviderConfigResult } from '../../shared/config.js';
import type { ProviderStats } from '../../shared/provider-stats.js';
import type { ProviderId } from '../../shared/providers.js';
import type { CliIo } from '../io.js';
import { providerArgument } from '../provider-argument.js';
import { table } from '../table.js';

/** `keyway providers` (status table) and `keyway providers set <provider> ...` (update_provider_config). */
export function registerProviderCommands(program: Command, io: CliIo): void {
  const providers = program
    .command('providers')
    .description('show each provider: enabled, key, health, circuit, requests and cost')
    .action(async () => {
      const api = await io.api();
      // One-shot commands run no background pings, so ask Ollama now (cheap and local).
      await api.call('providers.check_local', {});
      const stats = await api.call('providers.stats', {});
      io.print(stats, (r) => formatStats(r.providers));
    });

  providers
    .command('set')
    .description('change a provider in routing_config.json (other fields are kept)')
    .addArgument(providerArgument())
    .option('--enabled <bool>', 'true or false', parseBool)
    .option('--base-url <url>', 'API base URL (a proxy, or Ollama elsewhere); "default" removes it')
    .option('--rate-limit <n>', 'requests per minute', parsePositiveInt)
    .option('--models <list>', 'comma-separated model names, first is the default', (v: string) => v.split(',').map((m) => m.trim()).filter(Boolean))
    .addHelpText('after', '\nExamples:\n  keyway providers set openai --enabled false\n  keyway providers set local --base-url http://10.0.0.5:11434')
    .action(async (provider: ProviderId, options: { enabled?: boolean; baseUrl?: string; rateLimit?: number; models?: string[] }) => {
      const patch = {
        enabled: options.enabled,
        models: options.models,
        rate_limit: options.rateLimit,
        base_url: options.baseUrl === undefined ? undefined : options.baseUrl === 'default' ? null : options.baseUrl,
      };
      const result = await (await io.api()).call('providers.update', { provider, ...patch });
      io.print(result, formatUpdate);
    });
}

function formatStats(stats: ProviderStats[]): string {
  return table(
    ['PROVIDER', 'ENABLED', 'KEY', 'HEALTH', 'CIRCUIT', 'REQUESTS', 'SUCCESS', 'P50', 'P95', 'TODAY', 'MONTH', 'BASE URL'],
    stats.map((s) => [
      s.provider,
      s.enabled ? 'yes' : 'no',
      s.has_key ? (s.key_validation ?? 'yes') : s.provider === 'local' ? 'not needed' : 'none',
      s.health.status + (s.health.latency_ms !== null ? ` (${s.health.latency_ms} ms)` : ''),
      s.circuit.state,
      String(s.requests),
      s.success_rate === null ? '-' : `${Math.round(s.success_rate * 100)}%`,
      s.latency_p50_ms === null ? '-' : `${s.latency_p50_ms} ms`,
      s.latency_p95_ms === null ? '-' : `${s.latency_p95_ms} ms`,
      `$${s.cost_today_usd.toFixed(2)}`,
      `$${s.cost_month_usd.toFixed(2)}`,
      s.base_url,
    ]),
  );
}

function formatUpdate(r: UpdateProviderConfigResult): string {
  const c = r.config;
  return `Updated ${r.provider} in ${r.path}: enabled ${String(c.enabled)}, rate_limit ${c.rate_limit}/min, models ${c.models.join(', ') || '(default)'}${c.base_url ? `, base_url ${c.base_url}` : ''}.`;
}

function parseBool(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError(`expected true or false, got "${value}".`);
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive whole number, got "${value}".`);
  return n;
}
