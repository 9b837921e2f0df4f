import { InvalidArgumentError, type Command } from 'commander';
import type { AuditEntry, AuditFinding, AuditVerifyResult } from '../../shared/audit.js';
import type { CliIo } from '../io.js';
import { table } from '../table.js';

export function registerAuditCommands(program: Command, io: CliIo): void {
  const audit = program
    .command('audit')
    .description('show the tamper-evident audit log')
    .option('--limit <n>', 'newest N entries', parseLimit, 50)
    .action(async (options: { limit: number }) => {
      io.print({ entries: await (await io.api()).call('audit.list', { limit: options.limit }) }, (r) =>
        r.entries.length === 0 ? 'The audit log is empty.' : formatEntries(r.entries),
      );
    });

  audit
    .command('access')
    .description('gateway access log: requests per day, provider key and client')
    .option('--days <n>', 'local days back, including today', parseDays, 7)
    .action(async (options: { days: number }) => {
      io.print(await (await io.api()).call('audit.access', { days: options.days }), (r) =>
        r.rows.length === 0
          ? `No gateway requests in the last ${r.days} day(s).`
          : table(
              ['DAY', 'PROVIDER', 'KEY', 'CLIENT', 'REQUESTS', 'FAILED'],
              r.rows.map((row) => [row.day, row.provider, row.key_label ?? '-', row.client ?? '-', String(row.requests), String(row.failures)]),
            ),
      );
    });

  audit
    .command('verify')
    .description('check every seal, the chain and the head anchored in the vault; exits 1 naming what was found')
    .action(async () => {
      const result = await (await io.api()).call('audit.verify', {});
      io.print(result, formatVerify);
      if (!result.ok) io.exitCode = 1;
    });
}

const FINDING_NAMES: Record<AuditFinding['kind'], string> = {
  edited: 'edited',
  missing_entry: 'missing entry',
  missing_tail: 'missing tail',
  missing_file: 'missing file',
  forged: 'forged',
  unverifiable: 'unverifiable',
};

function formatVerify(result: AuditVerifyResult): string {
  const lines = result.ok
    ? [`Audit log intact: ${result.entries} entries verified.`]
    : [
        `Audit log BROKEN: ${result.findings.length} problem(s) in ${result.entries} entries.`,
        ...result.findings.map((f) => `  ${FINDING_NAMES[f.kind]}${f.line === null ? '' : ` (line ${f.line})`}: ${f.message}`),
      ];
  return [...lines, ...result.notes.map((note) => `note: ${note}`)].join('\n');
}

function formatEntries(entries: AuditEntry[]): string {
  return table(
    ['#', 'TIME', 'ACTOR', 'ACTION', 'KEY', 'FINGERPRINT', 'OUTCOME', 'DETAIL'],
    entries.map((e) => [
      String(e.seq),
      e.time,
      e.actor,
      e.action,
      e.key_id ?? e.provider ?? '',
      e.fingerprint ?? '',
      e.outcome === 'ok' ? 'ok' : `error ${e.error_code ?? ''}`,
      e.detail ?? '',
    ]),
  );
}

function parseDays(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 366) throw new InvalidArgumentError(`--days must be a whole number from 1 to 366, got "${value}".`);
  return n;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`--limit must be a positive whole number, got "${value}".`);
  return n;
}
