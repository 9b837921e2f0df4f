import { createWriteStream, fchmodSync, openSync } from 'node:fs';
import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { statusText, tokenSummary, type OriginSpend, type RecentRequests } from '../../shared/activity.js';
import { escapeForTerminal } from '../../shared/plain-text.js';
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
    .addOption(new Option('--by <what>', 'spend today and this month per client or per project').choices(['client', 'project']))
    .action(async (options: { provider?: ProviderId; days?: number; by?: 'client' | 'project' }) => {
      const api = await io.api();
      if (options.by) {
        if (options.provider || options.days !== undefined) {
          throw new KeywayError('invalid_input', '--by shows today and this month for every paid provider; leave out --provider and --days.');
        }
        const snapshot = await api.call('dashboard.get', {});
        const by = options.by;
        io.print({ by, rows: by === 'client' ? snapshot.spend_by_client : snapshot.spend_by_project }, formatOrigins);
        return;
      }
      const report = await api.call('usage.get', { ...(options.provider ? { provider: options.provider } : {}), ...(options.days === undefined ? {} : { days: options.days }) });
      io.print(report, formatReport);
    });

  usage
    .command('recent')
    .description('the newest requests, newest first: client, project, model, tokens, cost, latency and how each ended (refused ones too)')
    .option('--limit <n>', 'how many (at most 500, default 50)', numberOption)
    .option('--before <cursor>', 'the older page after this one (printed at the end of a page)')
    .option('--client <name>', 'only this client (gateway token name, exec command or MCP client)')
    .option('--project <name>', 'only this project')
    .addOption(new Option('--provider <provider>', 'only this provider').choices(PROVIDER_IDS))
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ limit?: number; before?: string; client?: string; project?: string; provider?: ProviderId }>();
      const api = await io.api();
      const page = await api.call('usage.recent', {
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        ...(options.before ? { before: options.before } : {}),
        ...(options.client ? { client: options.client } : {}),
        ...(options.project ? { project: options.project } : {}),
        ...(options.provider ? { provider: options.provider } : {}),
      });
      io.print(page, formatRecent);
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

function formatRecent(page: RecentRequests): string {
  if (page.requests.length === 0) return 'No requests recorded.';
  const ms = (value: number | null): string => (value === null ? '-' : `${value} ms`);
  const lines = [
    table(
      ['TIME', 'CLIENT', 'PROJECT', 'MODEL', 'TOKENS', 'COST', 'LATENCY', 'TTFB', 'STATUS'],
      page.requests.map((r) => [
        r.time.replace('T', ' ').slice(0, 19),
        r.client ?? '-',
        r.project ?? '-',
        `${r.provider}/${r.model}`,
        tokenSummary(r),
        formatUsd(r.cost_usd),
        ms(r.latency_ms),
        ms(r.ttfb_ms),
        statusText(r),
      ]),
    ),
  ];
  const refused = page.requests.filter((r) => r.detail);
  if (refused.length > 0) lines.push('', ...refused.map((r) => `refused at ${r.time}: ${escapeForTerminal(r.detail ?? '')}`));
  if (page.next_before) lines.push('', `Older: keyway usage recent --before ${page.next_before}`);
  return lines.join('\n');
}

function formatOrigins(result: { by: 'client' | 'project'; rows: OriginSpend[] }): string {
  if (result.rows.length === 0) return `No paid requests this month.`;
  const none = result.by === 'client' ? '(no client)' : '(no project)';
  return table(
    [result.by.toUpperCase(), 'REQUESTS', 'TODAY', 'THIS MONTH'],
    result.rows.map((row) => [row.name ?? none, String(row.requests), formatUsd(row.today_usd), formatUsd(row.month_usd)]),
  );
}
