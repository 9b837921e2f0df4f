import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KeywayService } from '../../../src-main/core/service.js';
import { writeFileAtomic } from '../../../src-main/core/fs/atomic-write.js';
import { readFingerprintSecret } from '../../../src-main/core/vault/fingerprint-secret.js';
import { fingerprintKey, maskKey } from '../../../src-main/core/vault/key-format.js';
import { previousAccountOf } from '../../../src-main/core/vault/key-id.js';
import { deriveSealingKey, seal } from '../../../src-main/core/vault/sealed-box.js';
import { JOURNAL_ACCOUNT, isKeyAccount } from '../../../src-main/core/vault/vault-accounts.js';
import { isolatedEnv } from '../../support/cli.js';
import { keychainAvailable, removeKeychainService, testKeychainService } from '../../support/keychain.js';
import { tempDir } from '../../support/temp-dir.js';

const WORKER = fileURLToPath(new URL('./fixtures/key-change-worker.mjs', import.meta.url));
const SECRET_KEY = 'keyway-crash-test-secret';
/** Up to 150 kills per store: five data dirs side by side, thirty kills each... */
const LANES = 5;
const KILLS_PER_LANE = 30;
/**
 * ...within this much wall time: each kill costs a Node start (about 0.3 s on an idle machine, several
 * seconds on a loaded one), so a busy machine stops launching workers here and checks what it has.
 */
const WALL_BUDGET_MS = 75_000;
/** Fewer kills than this would not say much: the test fails rather than pass on too little. */
const MIN_KILLS = 20;

type Store = 'file' | 'keychain';

/** How long one change takes in this lane, measured as the workers run (machines differ widely). */
interface Pace {
  opMs: number;
}

/**
 * Starts the worker and SIGKILLs it at a random instant: after 0-2 completed changes, then a random
 * part of one change's duration, so kills land in opening, recovery and every step of a change.
 * Fails if the worker stopped on its own (an error).
 */
function killAtRandom(dataDir: string, store: Store, service: string | undefined, pace: Pace): Promise<void> {
  const waitOps = Math.floor(Math.random() * 3);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, dataDir, store, service ?? ''], {
      env: { ...isolatedEnv(), CRASH_TEST_SECRET_KEY: SECRET_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let armed = false;
    let ops = 0;
    let lastOpAt = 0;
    const arm = (): void => {
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), Math.random() * 1.5 * pace.opMs);
    };
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        if (line === 'ready' && waitOps === 0 && !armed) arm();
        if (line !== 'op') continue;
        const now = Date.now();
        if (lastOpAt > 0) pace.opMs = 0.8 * pace.opMs + 0.2 * (now - lastOpAt);
        lastOpAt = now;
        if (++ops === waitOps && !armed) arm();
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`worker stopped on its own: ${stderr}\ndata dir: ${listing(dataDir)}`));
    });
  });
}

/** A data dir whose key file uses a cheap scrypt cost, so 150 processes can open it quickly. */
function laneDir(store: Store): string {
  const dir = tempDir('keyway-crash-');
  if (store === 'file') writeFileAtomic(join(dir, '.keys.enc'), seal(Buffer.from('{}'), deriveSealingKey(SECRET_KEY, undefined, 10), 'KWK1'));
  return dir;
}

function listing(dir: string): string {
  try {
    return readdirSync(dir, { recursive: true }).join(' ');
  } catch {
    return '(gone)';
  }
}

interface LaneReport {
  kills: number;
  keys: number;
  undone: number;
  recoveredLines: number;
}

/** Opens the lane's vault the way the next Keyway start does, then checks vault, records and audit agree. */
async function checkLane(dataDir: string, store: Store, service: string | undefined, kills: number): Promise<LaneReport> {
  const keyway = KeywayService.open({ dataDir, store, cwd: dataDir, env: { SECRET_KEY, ...(service ? { KEYWAY_KEYCHAIN_SERVICE: service } : {}) } });
  try {
    const vault = await keyway.keys.store();
    expect(await vault.get(JOURNAL_ACCOUNT), 'no change is left half-done').toBeUndefined();
    const fingerprintSecret = (await readFingerprintSecret(vault))?.key as Buffer;
    const records = keyway.listKeys().keys;
    const accounts = (await vault.accounts()).filter(isKeyAccount);
    // Every record has its secret, every secret its record.
    expect(accounts.filter((a) => !a.endsWith('#previous')).sort()).toEqual(records.map((r) => r.id).sort());
    for (const record of records) {
      const secret = (await vault.get(record.id)) as string;
      expect(record.fingerprint, record.id).toBe(fingerprintKey(secret, fingerprintSecret));
      expect(record.masked, record.id).toBe(maskKey(secret));
      const previous = await vault.get(previousAccountOf(record.id));
      expect(record.previous_fingerprint, `${record.id} previous`).toBe(previous === undefined ? null : fingerprintKey(previous, fingerprintSecret));
    }
    for (const account of accounts.filter((a) => a.endsWith('#previous'))) {
      expect(records.map((r) => r.id), `${account} belongs to a key`).toContain(account.replace(/#previous$/, ''));
    }

    // The audit log verifies, and replaying its key changes gives exactly the vault's keys.
    const verified = await keyway.verifyAudit();
    expect(verified.findings).toEqual([]);
    const story = new Map<string, string>();
    for (const entry of keyway.auditEntries()) {
      if (entry.outcome !== 'ok' || entry.key_id === null) continue;
      if (['key.add', 'key.update', 'key.rotate'].includes(entry.action)) story.set(entry.key_id, entry.fingerprint as string);
      if (entry.action === 'key.remove') story.delete(entry.key_id);
    }
    expect(Object.fromEntries(story)).toEqual(Object.fromEntries(records.map((r) => [r.id, r.fingerprint])));
    const entries = keyway.auditEntries();
    return {
      kills,
      keys: records.length,
      undone: entries.filter((e) => e.action === 'key.undo').length,
      recoveredLines: entries.filter((e) => e.action === 'audit.recovered').length,
    };
  } finally {
    keyway.close();
  }
}

async function crashLanes(store: Store, services: string[]): Promise<LaneReport[]> {
  const deadline = Date.now() + WALL_BUDGET_MS;
  return Promise.all(
    Array.from({ length: LANES }, async () => {
      const service = store === 'keychain' ? testKeychainService() : undefined;
      if (service) services.push(service);
      const dir = laneDir(store);
      const pace: Pace = { opMs: 300 };
      let kills = 0;
      while (kills < KILLS_PER_LANE && Date.now() < deadline) {
        await killAtRandom(dir, store, service, pace);
        kills++;
      }
      return checkLane(dir, store, service, kills);
    }),
  );
}

function expectEnoughKills(reports: LaneReport[], store: string): void {
  const kills = reports.reduce((n, r) => n + r.kills, 0);
  const undone = reports.reduce((n, r) => n + r.undone, 0);
  console.info(`${store}: ${kills} kills, ${undone} changes undone on reopen, lanes ${JSON.stringify(reports)}`);
  expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
  // The kills did land mid-change: some changes had to be undone on the next open.
  expect(undone).toBeGreaterThan(0);
}

const keychain = await keychainAvailable();
const services: string[] = [];
afterAll(async () => {
  for (const service of services) await removeKeychainService(service);
});

describe('key changes survive SIGKILL at any instant', () => {
  it('with the encrypted-file store: up to 150 kills leave every record with its secret and the audit log telling the same story', async () => {
    const reports = await crashLanes('file', services);
    expectEnoughKills(reports, 'file store');
  }, 240_000);

  it.runIf(keychain)('with the OS keychain: up to 150 kills leave every record with its secret and the audit log telling the same story', async () => {
    const reports = await crashLanes('keychain', services);
    expectEnoughKills(reports, 'keychain');
  }, 240_000);
});
