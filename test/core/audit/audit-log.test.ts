import { createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as canonicalJson } from 'safe-stable-stringify';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src-main/shared/audit.js';
import { AUDIT_VAULT_ACCOUNT, AuditLog, GENESIS_HASH, hashEntry, type AuditVault } from '../../../src-main/core/audit/audit-log.js';
import { KeywayError } from '../../../src-main/core/errors.js';
import { EncryptedFileStore } from '../../../src-main/core/vault/file-store.js';
import { TEST_SECRET_KEY } from '../../support/service.js';
import { tempDir } from '../../support/temp-dir.js';

/** A log whose key and anchor live in a real encrypted-file vault, as in the service. */
function newLog(dir = tempDir()): { log: AuditLog; vault: EncryptedFileStore; dir: string } {
  const vault = new EncryptedFileStore(join(dir, '.keys.enc'), TEST_SECRET_KEY);
  return { log: new AuditLog(join(dir, 'audit.jsonl'), () => new Date(), async () => vault), vault, dir };
}

async function logWith(count: number): Promise<{ log: AuditLog; vault: EncryptedFileStore; dir: string }> {
  const opened = newLog();
  for (let i = 0; i < count; i++) {
    await opened.log.append({ actor: 'cli', action: 'key.add', provider: 'openai', key_id: `openai:k${i}`, fingerprint: 'abc123def456', outcome: 'ok' });
  }
  return opened;
}

function lines(log: AuditLog): string[] {
  return readFileSync(log.path, 'utf8').trimEnd().split('\n');
}

function writeLines(log: AuditLog, next: string[]): void {
  writeFileSync(log.path, next.length === 0 ? '' : `${next.join('\n')}\n`);
}

/** Rewrites every entry from `body` on, relinking and re-sealing with `seal` (what a forger without the vault can do). */
function reseal(entries: AuditEntry[], seal: (body: Omit<AuditEntry, 'hash'>) => string): string[] {
  let prev = GENESIS_HASH;
  return entries.map((entry, index) => {
    const { hash: _old, ...rest } = entry;
    const body = { ...rest, seq: index + 1, prev };
    const hash = seal(body);
    prev = hash;
    return JSON.stringify({ ...body, hash });
  });
}

describe('AuditLog (keyed chain, head anchored in the vault)', () => {
  it('seals each entry with the vault key, chains it, anchors the head and verifies an untouched log', async () => {
    const { log, vault } = await logWith(5);
    const entries = log.read();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]?.prev).toBe(GENESIS_HASH);
    expect(entries[3]?.prev).toBe(entries[2]?.hash);
    expect(entries.every((e) => e.keyed === true)).toBe(true);
    // The seal is a keyed MAC: the plain hash of the same entry does not reproduce it.
    const { hash, ...body } = entries[0] as AuditEntry;
    expect(hashEntry(body)).not.toBe(hash);
    const anchor = JSON.parse((await vault.get(AUDIT_VAULT_ACCOUNT)) as string) as { count: number; mac: string };
    expect(anchor).toMatchObject({ count: 5, mac: entries[4]?.hash });
    expect(await log.verify()).toEqual({ ok: true, entries: 5, first_broken_line: null, problem: null, findings: [], notes: [] });
  });

  it('verifies an empty or missing log that the vault anchors nothing for', async () => {
    expect(await newLog().log.verify()).toMatchObject({ ok: true, entries: 0, findings: [] });
  });

  it('returns the newest entries with a limit', async () => {
    const { log } = await logWith(4);
    expect(log.read(2).map((e) => e.seq)).toEqual([3, 4]);
  });

  it.each([
    ['an edited field', (l: string[]) => l.map((x, i) => (i === 2 ? x.replace('"cli"', '"gui"') : x)), 'edited', 3],
    ['a deleted middle entry', (l: string[]) => l.filter((_, i) => i !== 1), 'missing_entry', 2],
    ['two swapped entries', (l: string[]) => [l[0]!, l[2]!, l[1]!, l[3]!, l[4]!], 'missing_entry', 2],
    ['a dropped first entry', (l: string[]) => l.slice(1), 'missing_entry', 1],
    ['garbage in a line', (l: string[]) => [...l.slice(0, 3), '{not json', l[4]!], 'edited', 4],
    ['a missing tail (head -n -2)', (l: string[]) => l.slice(0, 3), 'missing_tail', null],
    ['an emptied file', () => [], 'missing_tail', null],
  ])('detects %s and names it', async (_name, edit, kind, line) => {
    const { log } = await logWith(5);
    writeLines(log, edit(lines(log)));
    const result = await log.verify();
    expect(result.ok).toBe(false);
    expect(result.findings[0]).toMatchObject({ kind, line });
    expect(result.problem).toBe(result.findings[0]?.message);
  });

  it('reports an entry removed from the middle once, not also as a missing tail', async () => {
    const { log } = await logWith(5);
    writeLines(log, lines(log).filter((_, i) => i !== 2));
    expect((await log.verify()).findings).toEqual([expect.objectContaining({ kind: 'missing_entry', line: 3 })]);
  });

  it('detects a deleted file', async () => {
    const { log } = await logWith(3);
    rmSync(log.path);
    expect((await log.verify()).findings).toEqual([expect.objectContaining({ kind: 'missing_file', message: expect.stringContaining('anchors 3 entries') })]);
  });

  it('detects a rewrite with recomputed hashes (an entry deleted, another edited, the chain recomputed)', async () => {
    const { log } = await logWith(5);
    const entries = log.read().filter((e) => e.seq !== 2);
    entries[1] = { ...(entries[1] as AuditEntry), actor: 'gui' };
    writeLines(log, reseal(entries, hashEntry));
    const result = await log.verify();
    expect(result.ok).toBe(false);
    expect(result.findings.map((f) => f.kind)).toContain('forged');
    expect(result.findings.find((f) => f.kind === 'forged')?.message).toMatch(/without the vault's key/);
  });

  it('detects a rewrite sealed with a guessed key, and a shortened log padded back to length', async () => {
    const { log } = await logWith(5);
    const guess = randomBytes(32);
    const forged = reseal(log.read().slice(0, 4), (b) => createHmac('sha256', guess).update(b.prev).update(canonicalJson(b) ?? '').digest('hex'));
    writeLines(log, [...forged, forged[3]!.replace('"seq":4', '"seq":5')]);
    const result = await log.verify();
    expect(result.ok).toBe(false);
    expect(result.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['edited', 'forged']));
  });

  it('recovers a torn last line (a crash mid-append), notes it, and keeps verifying', async () => {
    const { log } = await logWith(3);
    appendFileSync(log.path, '{"seq":4,"time":"2026-');
    // Reading and verifying leave the torn fragment out and say so; neither fails.
    expect(log.read()).toHaveLength(3);
    const before = await log.verify();
    expect(before).toMatchObject({ ok: true, entries: 3 });
    expect(before.notes[0]).toMatch(/incomplete entry .* interrupted write/);
    await log.append({ actor: 'cli', action: 'key.remove', outcome: 'ok' });
    expect(log.read().map((e) => e.action)).toEqual(['key.add', 'key.add', 'key.add', 'audit.recovered', 'key.remove']);
    const after = await log.verify();
    expect(after).toMatchObject({ ok: true, entries: 5, findings: [] });
    expect(after.notes.join(' ')).toMatch(/removed an incomplete last entry \(22 bytes\)/);
  });

  it('records a shortened log in the log itself when it next writes, so the next verify still fails', async () => {
    const { log } = await logWith(6);
    writeLines(log, lines(log).slice(0, 2));
    await log.append({ actor: 'cli', action: 'key.add', outcome: 'ok' });
    expect(log.read().map((e) => e.action)).toEqual(['key.add', 'key.add', 'audit.missing_tail', 'key.add']);
    const result = await log.verify();
    expect(result.ok).toBe(false);
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'missing_tail', line: 3, message: expect.stringMatching(/entries 3-6 are missing/) })]);
  });

  it('records a deleted log file when it next writes', async () => {
    const { log } = await logWith(2);
    rmSync(log.path);
    await log.append({ actor: 'cli', action: 'key.add', outcome: 'ok' });
    expect((await log.verify()).findings).toEqual([expect.objectContaining({ kind: 'missing_file' })]);
  });

  it('migrates an unkeyed log: verify says it predates keying, the next write seals its chain', async () => {
    const dir = tempDir();
    const { log } = newLog(dir);
    const legacy = reseal(
      [1, 2, 3].map((i) => ({ seq: i, time: '2026-01-01T00:00:00.000Z', actor: 'cli', action: 'key.add', provider: null, key_id: null, fingerprint: null, outcome: 'ok', error_code: null, detail: null, prev: '', hash: '' }) as AuditEntry),
      hashEntry,
    );
    writeLines(log, legacy);
    const before = await log.verify();
    expect(before).toMatchObject({ ok: true, entries: 3, findings: [] });
    expect(before.notes[0]).toMatch(/predate keying/);

    await log.append({ actor: 'cli', action: 'key.remove', outcome: 'ok' });
    expect(log.read().map((e) => e.action)).toEqual(['key.add', 'key.add', 'key.add', 'audit.keyed', 'key.remove']);
    const after = await log.verify();
    expect(after).toMatchObject({ ok: true, entries: 5, findings: [] });
    expect(after.notes.join(' ')).toMatch(/entries 1-3 predate keying/);

    // Now the old entries are pinned too: editing one and recomputing their plain hashes is found.
    const all = log.read();
    const rewritten = reseal([{ ...(all[0] as AuditEntry), actor: 'gui' }, all[1] as AuditEntry, all[2] as AuditEntry], hashEntry);
    writeLines(log, [...rewritten, ...lines(log).slice(3)]);
    expect((await log.verify()).ok).toBe(false);
  });

  it('records, unsealed, what a process without vault access did, and verify says those entries prove nothing', async () => {
    const dir = tempDir();
    const locked = new AuditLog(join(dir, 'audit.jsonl'), () => new Date(), () => Promise.reject(new KeywayError('secret_key_missing', 'no SECRET_KEY')));
    const { log } = newLog(dir);
    await log.append({ actor: 'cli', action: 'key.add', outcome: 'ok' });
    await locked.append({ actor: 'system', action: 'budget.alert', outcome: 'ok' });
    await locked.append({ actor: 'cli', action: 'budget.set', outcome: 'ok' });
    await log.append({ actor: 'cli', action: 'key.remove', outcome: 'ok' });
    const entries = log.read();
    expect(entries.map((e) => [e.action, e.keyed ?? false, e.unsealed ?? false])).toEqual([
      ['key.add', true, false],
      ['budget.alert', false, true],
      ['budget.set', false, true],
      ['key.remove', true, false],
    ]);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: true, entries: 4, findings: [] });
    expect(result.notes).toEqual([expect.stringMatching(/^entries 2, 3 were written by a process that could not open the vault/)]);
    // Marking sealed entries as unsealed to rewrite them is still found.
    writeLines(log, reseal(entries.map((e) => ({ ...e, keyed: undefined, unsealed: true as const })), hashEntry));
    expect((await log.verify()).findings.map((f) => f.kind)).toContain('forged');
  });

  it('writes nothing when opening the vault fails in an unexpected way', async () => {
    const dir = tempDir();
    const log = new AuditLog(join(dir, 'audit.jsonl'), () => new Date(), () => Promise.reject(new Error('vault locked')));
    await expect(log.append({ actor: 'cli', action: 'key.add', outcome: 'ok' })).rejects.toThrow('vault locked');
    expect(existsSync(log.path)).toBe(false);
  });

  it('keeps one unbroken, anchored chain when many appends race', async () => {
    const { log } = newLog();
    await Promise.all(Array.from({ length: 40 }, (_, i) => log.append({ actor: `mcp:c${i}`, action: 'usage.track', outcome: 'ok' })));
    expect(await log.verify()).toMatchObject({ ok: true, entries: 40 });
  });
});

describe('the audit key', () => {
  it('is in the vault before the first entry sealed with it is written, so a crash in between loses no key', async () => {
    const dir = tempDir();
    const store = new EncryptedFileStore(join(dir, '.keys.enc'), TEST_SECRET_KEY);
    let sets = 0;
    // The vault takes the first write and fails every later one, as a process killed right after
    // writing the log would never update the anchor.
    const vault: AuditVault = {
      get: (account) => store.get(account),
      set: (account, value) => (++sets === 1 ? store.set(account, value) : Promise.reject(new Error('killed'))),
    };
    const log = new AuditLog(join(dir, 'audit.jsonl'), () => new Date(), async () => vault);
    await log.append({ actor: 'cli', action: 'key.add', outcome: 'ok' });
    expect(await store.get(AUDIT_VAULT_ACCOUNT)).toBeDefined();
    const fresh = new AuditLog(join(dir, 'audit.jsonl'), () => new Date(), async () => store);
    expect(await fresh.verify()).toMatchObject({ ok: true, entries: 1, findings: [] });
  });
});
