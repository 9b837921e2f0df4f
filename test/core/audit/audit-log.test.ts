import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, GENESIS_HASH } from '../../../src-main/core/audit/audit-log.js';
import { tempDir } from '../../support/temp-dir.js';

async function logWith(count: number): Promise<AuditLog> {
  const log = new AuditLog(join(tempDir(), 'audit.jsonl'));
  for (let i = 0; i < count; i++) {
    await log.append({ actor: 'cli', action: 'key.add', provider: 'openai', key_id: `openai:k${i}`, fingerprint: 'abc123def456', outcome: 'ok' });
  }
  return log;
}

function editLines(log: AuditLog, edit: (lines: string[]) => string[]): void {
  const lines = readFileSync(log.path, 'utf8').trimEnd().split('\n');
  writeFileSync(log.path, `${edit(lines).join('\n')}\n`);
}

describe('AuditLog', () => {
  it('chains entries from the genesis hash and verifies an untouched log', async () => {
    const log = await logWith(5);
    const entries = log.read();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]?.prev).toBe(GENESIS_HASH);
    expect(entries[3]?.prev).toBe(entries[2]?.hash);
    expect(log.verify()).toEqual({ ok: true, entries: 5, first_broken_line: null, problem: null });
  });

  it('verifies an empty or missing log', () => {
    expect(new AuditLog(join(tempDir(), 'none.jsonl')).verify()).toMatchObject({ ok: true, entries: 0 });
  });

  it('returns the newest entries with a limit', async () => {
    const log = await logWith(4);
    expect(log.read(2).map((e) => e.seq)).toEqual([3, 4]);
  });

  it.each([
    ['an edited field', (lines: string[]) => lines.map((l, i) => (i === 2 ? l.replace('"cli"', '"gui"') : l)), 3, /edited/],
    ['a deleted line', (lines: string[]) => lines.filter((_, i) => i !== 1), 2, /removed or moved/],
    ['two swapped lines', (lines: string[]) => [lines[0]!, lines[2]!, lines[1]!, lines[3]!, lines[4]!], 2, /removed or moved/],
    ['a dropped last line', (lines: string[]) => lines.slice(1), 1, /removed or moved/],
    ['garbage', (lines: string[]) => [...lines.slice(0, 4), '{not json'], 5, /not valid JSON/],
    [
      'a recomputed hash without the chain',
      (lines: string[]) => lines.map((l, i) => (i === 1 ? JSON.stringify({ ...JSON.parse(l), hash: 'f'.repeat(64) }) : l)),
      2,
      /edited/,
    ],
  ])('detects %s and names the first broken line', async (_name, edit, line, problem) => {
    const log = await logWith(5);
    editLines(log, edit);
    const result = log.verify();
    expect(result.ok).toBe(false);
    expect(result.first_broken_line).toBe(line);
    expect(result.problem).toMatch(problem);
  });

  it('keeps one unbroken chain when many appends race', async () => {
    const log = new AuditLog(join(tempDir(), 'audit.jsonl'));
    await Promise.all(Array.from({ length: 40 }, (_, i) => log.append({ actor: `mcp:c${i}`, action: 'usage.track', outcome: 'ok' })));
    expect(log.verify()).toMatchObject({ ok: true, entries: 40 });
  });
});
