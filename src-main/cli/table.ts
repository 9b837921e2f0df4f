import { escapeForTerminal } from '../shared/plain-text.js';

/**
 * Plain aligned columns for human output. Cells may hold untrusted text (a hand-edited config, a
 * provider's error detail): control characters are shown as escapes, never sent to the terminal.
 */
export function table(headers: string[], rows: string[][]): string {
  const safe = rows.map((row) => row.map((cell) => escapeForTerminal(cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...safe.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...safe.map(line)].join('\n');
}
