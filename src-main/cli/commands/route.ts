import { remedyCommand } from '../../shared/remedy.js';
import { Option, type Command } from 'commander';
import type { ProviderId } from '../../shared/providers.js';
import { PROVIDER_IDS } from '../../shared/providers.js';
import type { RouteResult } from '../../shared/routing.js';
import type { CliIo } from '../io.js';

/** `keyway route <task_type> [--prefer P] [--no-fallback]`: which provider and model a task would go to, and why. */
export function registerRouteCommand(program: Command, io: CliIo): void {
  program
    .command('route')
    .description('show which provider and model a task would be routed to, and why')
    .argument('<task_type>', 'e.g. code_generation, code_review, chat, summarization, analysis, embeddings')
    .addOption(new Option('--prefer <provider>', 'try this provider first').choices(PROVIDER_IDS))
    .option('--no-fallback', 'fail instead of falling back when the first choice is unavailable')
    .addHelpText('after', '\nExamples:\n  keyway route code_generation\n  keyway route analysis --prefer openai --json')
    .action(async (taskType: string, options: { prefer?: ProviderId; fallback: boolean }) => {
      const api = await io.api();
      // One-shot commands run no background pings: ask Ollama now so local is only chosen when it answers.
      await api.call('providers.check_local', {});
      const result = await api.call('routing.route', { task_type: taskType, preferred_provider: options.prefer, enable_fallback: options.fallback });
      io.print(result, formatRoute);
    });
}

function formatRoute(r: RouteResult): string {
  const lines = [`${r.task_type} -> ${r.provider}${r.model ? ` (${r.model})` : ''}`, `why: ${r.reason}`, `chain: ${r.chain.join(' > ')}`];
  for (const s of r.skipped) lines.push(`skipped ${s.provider}: ${s.reason}: ${s.detail}${s.remedy ? ` (fix: ${remedyCommand(s.remedy)})` : ''}`);
  return lines.join('\n');
}
