import { Option, type Command } from 'commander';
import { KeywayError } from '../../core/errors.js';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers.js';
import type { BudgetStatus } from '../../shared/budget.js';
import { formatUsd } from '../../core/usage/money.js';
import type { CliIo } from '../io.js';
import { numberOption } from '../number-option.js';
import { table } from '../table.js';


interface SetOptions {
  daily?: number;
  monthly?: number;
  threshold?: number;
  provider?: ProviderId;
  enable?: boolean;
  disable?: boolean;
}

export function registerBudgetCommands(program: Command, io: CliIo): void {
  const budget = program
    .command('budget')
    .description('show spending against the daily and monthly budgets (local time zone)')
    .action(async () => {
      const api = await io.api();
      io.print(await api.call('budget.check', {}), formatStatus);
    });

  budget
    .command('set')
    .description('change budget limits in routing_config.json')
    .option('--daily <usd>', 'daily limit in USD', numberOption)
    .option('--monthly <usd>', 'monthly limit in USD', numberOption)
    .option('--threshold <fraction>', 'alert threshold, e.g. 0.8 for 80%', numberOption)
    .addOption(new Option('--provider <provider>', 'set this provider\'s own daily/monthly limits').choices(PROVIDER_IDS))
    .option('--enable', 'turn budgets on')
    .option('--disable', 'turn budgets off')
    .addHelpText('after', '\nExamples:\n  keyway budget set --daily 10 --monthly 100 --threshold 0.8\n  keyway budget set --provider openai --monthly 25')
    .action(async (options: SetOptions) => {
      if (options.enable && options.disable) throw new KeywayError('invalid_input', 'Give --enable or --disable, not both.');
      const api = await io.api();
      const status = await api.call('budget.set', {
        ...(options.daily === undefined ? {} : { daily_limit: options.daily }),
        ...(options.monthly === undefined ? {} : { monthly_limit: options.monthly }),
        ...(options.threshold === undefined ? {} : { alert_threshold: options.threshold }),
        ...(options.provider === undefined ? {} : { provider: options.provider }),
        ...(options.enable ? { enabled: true } : options.disable ? { enabled: false } : {}),
      });
      io.print(status, (s) => `Budget updated.\n${formatStatus(s)}`);
    });
}

function formatStatus(s: BudgetStatus): string {
  const head = s.enabled
    ? `Budget: ${s.status.toUpperCase()} (alert at ${Math.round(s.alert_threshold * 100)}%, ${s.time_zone})`
    : `Budgets are off (turn them on with: keyway budget set --enable). Spending so far (${s.time_zone}):`;
  const rows = s.periods.map((p) => [
    p.provider ? `${p.period} ${p.provider}` : p.period,
    formatUsd(p.spent_usd),
    formatUsd(p.limit_usd),
    `${p.percent_used}%`,
    formatUsd(p.remaining_usd),
    p.reserved_usd > 0 ? formatUsd(p.reserved_usd) : '',
    p.status,
    p.resets_at,
  ]);
  const alerts = s.alerts.map((a) => `! ${a.message}`);
  return [head, table(['PERIOD', 'SPENT', 'LIMIT', 'USED', 'REMAINING', 'RESERVED', 'STATUS', 'RESETS'], rows), ...alerts].join('\n');
}
