import type { Command } from 'commander';
import type { RoutingOption, RoutingRecommendations } from '../../shared/routing.js';
import type { CliIo } from '../io.js';

/** `keyway recommend`: routing advice computed from tracked usage, keys, health and budgets. */
export function registerRecommendCommand(program: Command, io: CliIo): void {
  program
    .command('recommend')
    .description('routing advice from your usage: cheaper options, failing providers, key and budget problems')
    .argument('[task_type]', 'only this task type')
    .action(async (taskType: string | undefined) => {
      const api = await io.api();
      // One-shot commands run no background pings: ask Ollama now so local is only offered when it answers.
      await api.call('providers.check_local', {});
      const result = await api.call('routing.recommendations', taskType ? { task_type: taskType } : {});
      io.print(result, formatRecommendations);
    });
}

function option(o: RoutingOption): string {
  const cost = o.cost_per_1k_requests_usd === null ? 'price unknown' : `$${o.cost_per_1k_requests_usd.toFixed(2)}/1k req`;
  return `${o.provider}${o.model ? ` (${o.model})` : ''} ${cost}${o.quality ? `, ${o.quality}` : ''}${o.available ? '' : ` [${o.skip_reason ?? 'unavailable'}]`}`;
}

function formatRecommendations(r: RoutingRecommendations): string {
  const lines: string[] = [];
  for (const t of r.tasks) {
    lines.push(`${t.task_type}: ${t.current ? option(t.current) : 'no provider available'}  (mix ${t.token_mix.input_tokens} in / ${t.token_mix.output_tokens} out, ${t.token_mix.source})`);
    for (const a of t.alternatives) lines.push(`  alternative: ${option(a)}`);
  }
  lines.push('');
  lines.push(r.advice.length === 0 ? 'No advice: routing looks fine.' : 'Advice:');
  for (const a of r.advice) lines.push(`  - ${a.message}`);
  return lines.join('\n');
}
