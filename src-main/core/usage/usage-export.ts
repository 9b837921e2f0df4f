import type { UsageRecord } from '../../shared/usage.js';

const COLUMNS: Array<keyof UsageRecord> = [
  'id',
  'time',
  'provider',
  'model',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'cost_usd',
  'success',
  'latency_ms',
  'task_type',
  'key_label',
  'client',
  'priced_as',
  'price_source',
  'price_version',
  'project',
  'route',
  'status',
  'ttfb_ms',
  'reasoning_tokens',
];

/** The export as a stream of text chunks (one per record), so a large ledger never sits in memory. */
export function* exportChunks(records: Iterable<UsageRecord>, format: 'csv' | 'json'): Generator<string> {
  if (format === 'csv') {
    yield `${COLUMNS.join(',')}\n`;
    for (const record of records) yield `${COLUMNS.map((c) => csvCell(record[c])).join(',')}\n`;
    return;
  }
  let first = true;
  yield '[';
  for (const record of records) {
    yield `${first ? '\n' : ',\n'}  ${JSON.stringify(record)}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

/** Quotes where CSV needs it, and defuses text a spreadsheet would run as a formula. */
function csvCell(value: UsageRecord[keyof UsageRecord]): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
