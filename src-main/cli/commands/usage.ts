import { createWriteStream, fchmodSync, openSync } from 'node:fs';
import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers.js';
import type { UsageReport, UsageTotals } from '../../shared/usage.js';
import { KeywayError, isErrnoException } from '../../core/errors.js';
import { PRIVATE_FILE_MODE } from '../../core/fs/atomic-write.js';
import { formatUsd } from '../../core/usage/money.js';
import type { CliIo } from '../io.js';
import { numberOption } from '../number-option.js';
import { table } from '../table.js';

export function registerUsageCommands(program: Command, io: CliIo): void {
  const usage = program
    .command('usage')
    .description('show requests, tokens and costs (totals, per provider, per model, per day)')
    .addOption(new Option('--provider <provider>', 'only this provider').choices(PROVIDER_IDS))
    .option('--days <n>', 'how many local days back, including today (default 30)', numberOption)
    .action(async (options: { provider?: ProviderId; days?: number }) => {
      const api = await io.api();
      const report = await api.call('usage.get', { ...(options.provider ? { provider: options.provider } : {}), ...(options.days === undefined ? {} : { days: options.days }) });
      io.print(report, formatReport);
    });

  usage
    .command('export')
    .description('export raw records for spreadsheets (records older than the retention period are gone; daily totals stay)')
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
    .addOption(new Option('--provider <provider>', 'only this provider').choices(PROVIDER_IDS))
    .option('--days <n>', 'only the last N local days', numberOption)
    .option('--output <file>', 'write to this file (0600) instead of standard output')
    .action(async (_options: unknown, command: Command) => {
      // --provider/--days may be parsed by the parent `usage` command, so read both levels.
      const options = command.optsWithGlobals<{ format: 'csv' | 'json'; provider?: ProviderId; days?: number; output?: string }>();
      const api = await io.api();
      const chunks = await api.call('usage.export', {
        format: options.format,
        ...(options.provider ? { provider: options.provider } : {}),
        ...(options.days === undefined ? {} : { days: options.days }),
      });
      if (options.output === undefined) {
        for await (const chunk of chunks) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        return;
      }
      const file = createWriteStream(options.output, { fd: openPrivateFile(options.output) });
      for await (const chunk of chunks) if (!file.write(chunk)) await once(file, 'drain');
      file.end();
      await once(file, 'finish');
      io.err(`Wrote ${options.output}.`);
    });
}

/** Opens (or truncates) the export file owner-only, also when it already existed with wider permissions. */
function openPrivateFile(path: string): number {
  try {
    const fd = openSync(path, 'w', PRIVATE_FILE_MODE);
    if (process.platform !== 'win32') fchmodSync(fd, PRIVATE_FILE_MODE);
    return fd;
  } catch (error) {
    const reason = isErrnoException(error) ? error.code : 'unwritable';
    throw new KeywayError('invalid_input', `Cannot write --output file ${path} (${reason}). Check that its folder exists and you may write there.`);
  }
}

function formatReport(r: UsageReport): string {
  const scope = r.provider ? `${r.provider}, ` : '';
  const head = `Usage ${scope}${r.from_day} to ${r.to_day} (${r.days} day${r.days === 1 ? '' : 's'}, ${r.time_zone})`;
  if (r.totals.requests === 0) return `${head}: no requests recorded.`;
  const row = (name: string, t: UsageTotals) => [
    name,
    String(t.requests),
    String(t.failures),
    String(t.input_tokens),
    String(t.output_tokens),
    formatCost(t),
  ];
  const headers = ['', 'REQUESTS', 'FAILED', 'INPUT', 'OUTPUT', 'COST'];
  return [
    head,
    '',
    table(headers, [...r.by_provider.map((p) => row(p.provider, p)), row('total', r.totals)]),
    '',
    table(['MODEL', ...headers.slice(1)], r.by_model.map((m) => row(`${m.provider}/${m.model}`, m))),
    '',
    table(['DAY', ...headers.slice(1)], r.daily.map((d) => row(d.day, d))),
  ].join('\n');
}

/** Unpriced requests are never shown as $0: a row with no priced request at all says `unpriced`. */
function formatCost(t: UsageTotals): string {
  if (t.unpriced_requests === 0) return formatUsd(t.cost_usd);
  if (t.unpriced_requests === t.requests) return 'unpriced';
  return `${formatUsd(t.cost_usd)} (+${t.unpriced_requests} unpriced)`;
}
