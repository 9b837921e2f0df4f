import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canaryCore, canaryKey } from '../support/canary.js';
import { KEYWAY_BIN, runKeyway, type CliRun } from '../support/cli.js';
import { keychainAvailable, removeKeychainService, testKeychainService } from '../support/keychain.js';
import { tempDir } from '../support/temp-dir.js';

const SECRET_KEY = 'cli-test-secret-key';

/** A data dir and env for the file store; every call shares them. */
function fileStoreCli(extraEnv: NodeJS.ProcessEnv = {}) {
  const dataDir = tempDir('keyway-cli-');
  const cwd = tempDir('keyway-cwd-');
  const env = { KEYWAY_DATA_DIR: dataDir, KEYWAY_SECRET_STORE: 'file', SECRET_KEY, ...extraEnv };
  return { dataDir, cwd, run: (args: string[], input?: string, env2: NodeJS.ProcessEnv = {}) => runKeyway(args, { env: { ...env, ...env2 }, input, cwd }) };
}

function expectOk(run: CliRun): CliRun {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

describe('keyway keys (file store)', () => {
  it('adds from stdin, lists masked, rotates from an env var, removes, and verifies the audit log', async () => {
    const cli = fileStoreCli();
    const first = canaryKey('anthropic');
    const added = expectOk(await cli.run(['keys', 'add', 'anthropic'], `${first}\n`));
    expect(added.stdout).toMatch(/Added anthropic:default sk-ant-\.\.\.\w{4} \(fingerprint [0-9a-f]{12}\) in the file store/);

    const list = JSON.parse(expectOk(await cli.run(['keys', 'list', '--json'])).stdout) as { keys: { masked: string; source: string }[] };
    expect(list.keys).toEqual([expect.objectContaining({ masked: `sk-ant-...${first.slice(-4)}`, source: 'value' })]);

    const second = canaryKey('anthropic');
    expectOk(await cli.run(['keys', 'rotate', 'anthropic', '--from-env', 'NEW_KEY'], undefined, { NEW_KEY: second }));
    expect(expectOk(await cli.run(['keys', 'list'])).stdout).toContain(`sk-ant-...${second.slice(-4)}`);

    expectOk(await cli.run(['keys', 'remove', 'anthropic']));
    expect(expectOk(await cli.run(['keys', 'list'])).stdout).toMatch(/No keys yet/);

    const verify = expectOk(await cli.run(['audit', 'verify']));
    expect(verify.stdout).toBe('Audit log intact: 3 entries verified.\n');
    const audit = JSON.parse(expectOk(await cli.run(['audit', '--json'])).stdout) as { entries: { action: string; actor: string }[] };
    expect(audit.entries.map((e) => `${e.actor} ${e.action}`)).toEqual(['cli key.add', 'cli key.rotate', 'cli key.remove']);

    expectOk(await cli.run(['keys', 'export', '--to', join(tempDir(), 'b.kwb'), '--passphrase-env', 'PASS'], undefined, { PASS: 'backup-passphrase' }));
    expect(expectOk(await cli.run(['audit', '--limit', '1'])).stdout).toMatch(/^4 .* cli +key\.export +ok +0 keys$/m);
  });

  it('exits 1 naming what it found when an audit entry was deleted', async () => {
    const cli = fileStoreCli();
    for (const label of ['a', 'b', 'c']) expectOk(await cli.run(['keys', 'add', 'openai', '--label', label], canaryKey('openai')));
    const path = join(cli.dataDir, 'audit.jsonl');
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    writeFileSync(path, `${[lines[0], lines[2]].join('\n')}\n`);
    const verify = await cli.run(['audit', 'verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/^Audit log BROKEN: /);
    expect(verify.stdout).toMatch(/missing entry \(line 2\): line 2 holds entry 3 where entry 2 belongs/);
  });

  it('names the right flag for an empty backup passphrase, fails validating a provider with no key, and never replaces a backup without --force', async () => {
    const cli = fileStoreCli();
    const target = join(tempDir(), 'keys.backup');
    const empty = await cli.run(['keys', 'export', '--to', target], '');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/passphrase was empty\. Pipe it on stdin, or use --passphrase-env VAR\./);

    const none = await cli.run(['keys', 'validate', 'openai']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('keyway: No openai key to validate. Add one with: keyway keys add openai\n');

    writeFileSync(target, 'an older backup');
    const refused = await cli.run(['keys', 'export', '--to', target, '--passphrase-env', 'PASS'], undefined, { PASS: 'backup-passphrase' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already exists and was left as it is\. Choose another file, or pass --force/);
    expect(readFileSync(target, 'utf8')).toBe('an older backup');
    expectOk(await cli.run(['keys', 'export', '--to', target, '--force', '--passphrase-env', 'PASS'], undefined, { PASS: 'backup-passphrase' }));
    expect(readFileSync(target).subarray(0, 4).toString()).toBe('KWB1');
  });

  it.each([
    [['keys', 'add', 'anthropc'], 2, /Allowed choices are anthropic, openai, google, local/],
    [['keys', 'add', 'openai', '--bogus'], 2, /unknown option '--bogus'/],
    [['keys', 'remove'], 2, /missing required argument 'provider'/],
    [['keys', 'rotate', 'openai', '--grace', '-5'], 2, /--grace must be a whole number/],
    [['audit', '--limit', 'zero'], 2, /--limit must be a positive whole number/],
    [['frobnicate'], 2, /unknown command 'frobnicate'/],
    [['keys', 'remove', 'google'], 1, /^keyway: No google key with label "default"/],
    [['keys', 'add', 'openai', '--from-env', 'UNSET_VAR_FOR_TEST'], 1, /^keyway: Environment variable UNSET_VAR_FOR_TEST is not set/],
    [['keys', 'add', 'openai', '--label', 'no spaces allowed'], 1, /label must be/],
    [['--store', 'vault', 'keys', 'list'], 2, /Allowed choices are keychain, file/],
  ])('keyway %j exits %i with a clear message', async (args, code, message) => {
    const cli = fileStoreCli();
    expectOk(await cli.run(['keys', 'add', 'openai'], canaryKey('openai')));
    const run = await cli.run(args, 'sk-test-CANARYstdin');
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    const list = JSON.parse((await cli.run(['keys', 'list', '--json'])).stdout) as { keys: unknown[] };
    expect(list.keys).toHaveLength(1);
  });

  it('refuses a malformed key in one line without echoing it, storing nothing', async () => {
    const cli = fileStoreCli();
    const run = await cli.run(['keys', 'add', 'anthropic'], 'sk-proj-CANARYwrongprovider');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('keyway: That anthropic key is not valid: Anthropic keys start with "sk-ant-".\n');
    expect(JSON.parse((await cli.run(['keys', 'list', '--json'])).stdout)).toEqual({ keys: [], store: null });
  });

  it('prints a JSON error object under --json', async () => {
    const cli = fileStoreCli();
    const run = await cli.run(['--json', 'keys', 'remove', 'openai']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ error: { code: 'key_not_found', message: expect.stringContaining('No openai key') } });
  });

  it('has --help on every command', async () => {
    for (const args of [['--help'], ['keys', '--help'], ['keys', 'add', '--help'], ['audit', 'verify', '--help']]) {
      const run = await runKeyway(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Usage: keyway/);
    }
  });

  it('explains a missing or wrong SECRET_KEY in one line and leaves .keys.enc untouched', async () => {
    const cli = fileStoreCli();
    expectOk(await cli.run(['keys', 'add', 'openai'], canaryKey('openai')));
    const before = readFileSync(join(cli.dataDir, '.keys.enc'));
    const missing = await cli.run(['keys', 'add', 'google'], canaryKey('google'), { SECRET_KEY: '' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^keyway: The encrypted-file store needs SECRET_KEY: export SECRET_KEY=.*\n$/);
    const wrong = await cli.run(['keys', 'add', 'google'], canaryKey('google'), { SECRET_KEY: 'wrong-secret-key' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^keyway: SECRET_KEY does not open .*\.keys\.enc\. Set SECRET_KEY to the passphrase used when it was created; the file was not changed\.\n$/);
    expect(readFileSync(join(cli.dataDir, '.keys.enc')).equals(before)).toBe(true);
  });

  it('reports an unusable data dir and a corrupt settings file, changing nothing', async () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'a-file'), 'not a directory');
    const blocked = await runKeyway(['keys', 'list'], { env: { KEYWAY_DATA_DIR: join(parent, 'a-file', 'data') } });
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/^keyway: Data directory .* cannot be used \(ENOTDIR\)\. Fix its permissions or choose another with --data-dir/);

    const cli = fileStoreCli();
    expectOk(await cli.run(['keys', 'add', 'openai'], canaryKey('openai')));
    const settings = join(cli.dataDir, 'settings.json');
    writeFileSync(settings, '{"keys": {"openai:default": ');
    const run = await cli.run(['keys', 'list']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/settings\.json cannot be read .* Keyway did not change it/);
    expect(readFileSync(settings, 'utf8')).toBe('{"keys": {"openai:default": ');
  });

  it('loses nothing when many keyway processes add keys at once', async () => {
    const cli = fileStoreCli();
    const labels = Array.from({ length: 8 }, (_, i) => `k${i}`);
    const runs = await Promise.all(labels.map((label) => cli.run(['keys', 'add', 'openai', '--label', label], canaryKey('openai'))));
    for (const run of runs) expectOk(run);
    const list = JSON.parse((await cli.run(['keys', 'list', '--json'])).stdout) as { keys: { label: string }[] };
    expect(list.keys.map((k) => k.label).sort()).toEqual(labels);
    const verify = JSON.parse((await cli.run(['--json', 'audit', 'verify'])).stdout) as { ok: boolean; entries: number };
    expect(verify).toMatchObject({ ok: true, entries: 8 });
  });

  it('falls back to the encrypted file when no keychain answers, and says what to do without SECRET_KEY', async () => {
    const dataDir = tempDir();
    const run = await runKeyway(['keys', 'add', 'openai'], {
      input: canaryKey('openai'),
      env: { KEYWAY_DATA_DIR: dataDir, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', KEYWAY_KEYCHAIN_SERVICE: testKeychainService() },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^keyway: The OS keychain is not available: .* set SECRET_KEY and pass --store file/);

    const fallback = await runKeyway(['keys', 'add', 'openai'], {
      input: canaryKey('openai'),
      env: { KEYWAY_DATA_DIR: dataDir, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', SECRET_KEY },
    });
    expect(fallback.stdout).toMatch(/in the file store/);
  });
});

describe('secrets never leak (canary scan)', () => {
  it('finds no canary in any output, file or audit entry after every command and path', async () => {
    const cli = fileStoreCli();
    const canaries = {
      stdin: canaryKey('anthropic'),
      env: canaryKey('openai'),
      dotenv: canaryKey('google'),
      rotateStdin: canaryKey('anthropic'),
      rotateEnv: canaryKey('openai'),
      misformatted: `pk-${canaryKey('openai')}`,
    };
    writeFileSync(join(cli.cwd, '.env'), `DOTENV_KEY=${canaries.dotenv}\n`);
    const env = { ENV_KEY: canaries.env, ROTATE_ENV: canaries.rotateEnv, BACKUP_PASS: 'backup-passphrase' };
    const backup = join(tempDir(), 'backup.kwb');
    const runs: CliRun[] = [];
    const run = async (args: string[], input?: string) => {
      const result = await cli.run(args, input, env);
      runs.push(result);
      return result;
    };
    await run(['keys', 'add', 'anthropic'], canaries.stdin);
    await run(['keys', 'add', 'openai', '--label', 'work', '--from-env', 'ENV_KEY']);
    await run(['keys', 'add', 'google', '--from-env', 'DOTENV_KEY']);
    await run(['keys', 'add', 'openai'], canaries.misformatted);
    await run(['keys', 'rotate', 'anthropic', '--grace', '3600'], canaries.rotateStdin);
    await run(['keys', 'rotate', 'openai', '--label', 'work', '--from-env', 'ROTATE_ENV']);
    for (const args of [['keys', 'list'], ['keys', 'list', '--json'], ['keys', 'validate', '--offline'], ['--json', 'keys', 'validate', '--offline'], ['audit'], ['audit', '--json'], ['audit', 'verify']]) {
      await run(args);
    }
    await run(['keys', 'export', '--to', backup, '--passphrase-env', 'BACKUP_PASS']);
    await run(['keys', 'import', '--from', backup, '--passphrase-env', 'BACKUP_PASS']);
    await run(['keys', 'remove', 'google']);
    expect(runs.filter((r) => r.code !== 0)).toHaveLength(1);

    const haystacks = [
      ...runs.flatMap((r) => [r.stdout, r.stderr]),
      ...readdirSync(cli.dataDir).map((name) => readFileSync(join(cli.dataDir, name)).toString('latin1')),
      readFileSync(backup).toString('latin1'),
    ];
    for (const secret of Object.values(canaries)) {
      const needle = canaryCore(secret);
      expect(haystacks.filter((h) => h.includes(needle))).toEqual([]);
    }
  });
});

const keychain = await keychainAvailable();
const services: string[] = [];
afterAll(async () => {
  for (const service of services) await removeKeychainService(service);
});

describe.runIf(keychain)('keyway keys with the OS keychain', () => {
  it('explains a locked keyring instead of failing with an internal error', async () => {
    // The login keyring is created with one password, then a new session "unlocks" it with another.
    const home = tempDir();
    const session = (password: string, command: string) =>
      spawnSync('dbus-run-session', ['--', 'sh', '-c', `echo -n ${password} | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; ${command}`], {
        env: { ...process.env, HOME: home, KEYWAY_DATA_DIR: tempDir(), KEYWAY_KEYCHAIN_SERVICE: testKeychainService(), KEY: canaryKey('openai') },
        encoding: 'utf8',
      });
    session('right-password', 'true');
    const run = session('wrong-password', `"${process.execPath}" "${KEYWAY_BIN}" keys add openai --from-env KEY`);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/keyway: The OS keychain refused the request \(.*locked.*\)\. Unlock your keyring/);
  });

  it('walks the README: add from an env var, list masked, rotate, verify the audit log', async () => {
    const service = testKeychainService();
    services.push(service);
    const dataDir = tempDir();
    const secret = canaryKey('anthropic');
    const env = { KEYWAY_DATA_DIR: dataDir, KEYWAY_KEYCHAIN_SERVICE: service, ANTHROPIC_API_KEY: secret };
    const add = expectOk(await runKeyway(['keys', 'add', 'anthropic', '--from-env', 'ANTHROPIC_API_KEY'], { env }));
    expect(add.stdout).toMatch(/in the keychain store/);
    expect(expectOk(await runKeyway(['keys', 'list'], { env })).stdout).toContain(`sk-ant-...${secret.slice(-4)}`);
    expectOk(await runKeyway(['keys', 'rotate', 'anthropic'], { env, input: canaryKey('anthropic') }));
    expect(expectOk(await runKeyway(['audit', 'verify'], { env })).stdout).toMatch(/intact: 2 entries/);
    expect(readdirSync(dataDir)).not.toContain('.keys.enc');
  });

  it('round-trips a backup from the file store into the keychain and back', async () => {
    const service = testKeychainService();
    services.push(service);
    const backup = join(tempDir(), 'backup.kwb');
    const fileDir = tempDir();
    const secrets = [canaryKey('anthropic'), canaryKey('google')];
    const fileEnv = { KEYWAY_DATA_DIR: fileDir, KEYWAY_SECRET_STORE: 'file', SECRET_KEY, PASS: 'backup-passphrase' };
    expectOk(await runKeyway(['keys', 'add', 'anthropic'], { env: fileEnv, input: secrets[0] }));
    expectOk(await runKeyway(['keys', 'add', 'google', '--label', 'work'], { env: fileEnv, input: secrets[1] }));
    expectOk(await runKeyway(['keys', 'export', '--to', backup, '--passphrase-env', 'PASS'], { env: fileEnv }));

    const keychainDir = tempDir();
    const keychainEnv = { KEYWAY_DATA_DIR: keychainDir, KEYWAY_KEYCHAIN_SERVICE: service, PASS: 'backup-passphrase' };
    expect(expectOk(await runKeyway(['keys', 'import', '--from', backup, '--passphrase-env', 'PASS'], { env: keychainEnv })).stdout).toBe(
      'Imported 2 key(s) into the keychain store.\n',
    );
    const { KeychainStore } = await import('../../src-main/core/vault/keychain-store.js');
    const store = await KeychainStore.open(service);
    expect(await store.get('anthropic:default')).toBe(secrets[0]);

    const backup2 = join(tempDir(), 'backup2.kwb');
    expectOk(await runKeyway(['keys', 'export', '--to', backup2], { env: keychainEnv, input: 'second-passphrase\n' }));
    const restoredDir = tempDir();
    mkdirSync(restoredDir, { recursive: true });
    const restoredEnv = { KEYWAY_DATA_DIR: restoredDir, KEYWAY_SECRET_STORE: 'file', SECRET_KEY };
    expectOk(await runKeyway(['keys', 'import', '--from', backup2], { env: restoredEnv, input: 'second-passphrase' }));
    const list = JSON.parse(expectOk(await runKeyway(['keys', 'list', '--json'], { env: restoredEnv })).stdout) as { keys: { id: string; masked: string }[] };
    expect(list.keys.map((k) => [k.id, k.masked])).toEqual([
      ['anthropic:default', `sk-ant-...${secrets[0]!.slice(-4)}`],
      ['google:work', `...${secrets[1]!.slice(-4)}`],
    ]);
    expect(statSync(join(restoredDir, '.keys.enc')).mode & 0o777).toBe(0o600);
  });
});
