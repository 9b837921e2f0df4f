import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywayService } from '../../src-main/core/service.js';
import { TokenStore } from '../../src-main/core/tokens/token-store.js';
import { configFor, startEmulators, type Emulators } from '../emulators/index.js';
import { canaryCore } from '../support/canary.js';
import { KEYWAY_BIN, isolatedEnv, runKeyway } from '../support/cli.js';
import { TEST_SECRET_KEY } from '../support/service.js';
import { tempDir } from '../support/temp-dir.js';

const CHILD = fileURLToPath(new URL('./fixtures/exec-child.mjs', import.meta.url));

let emu: Emulators;
beforeAll(async () => {
  emu = await startEmulators();
});
afterAll(() => emu.stop());

/** A data dir whose vault holds the emulators' canary keys and whose config points at them. */
async function dataDirWithKeys(): Promise<{ dataDir: string; env: Record<string, string> }> {
  const dir = tempDir('keyway-exec-');
  const dataDir = join(dir, 'data');
  const configPath = join(dir, 'routing_config.json');
  writeFileSync(configPath, JSON.stringify({ providers: configFor(emu), budget: { enabled: true, daily_limit: 100, monthly_limit: 1000 } }));
  const env = { SECRET_KEY: TEST_SECRET_KEY, KEYWAY_CONFIG: configPath, KEYWAY_TZ: 'UTC' };
  const service = KeywayService.open({ dataDir, store: 'file', env });
  for (const provider of ['openai', 'anthropic'] as const) await service.addKey({ provider, api_key: emu.of(provider).key }, { principal: 'owner', actor: 'test' });
  service.close();
  return { dataDir, env };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('keyway exec', () => {
  it('gives the child the gateway and a scoped token instead of keys, records its requests and revokes the token when it exits', async () => {
    const { dataDir, env } = await dataDirWithKeys();
    const run = await runKeyway(['--data-dir', dataDir, '--store', 'file', 'exec', '--project', 'demo', '--max-spend', '5', '--', process.execPath, CHILD], {
      env: { ...env, OPENAI_API_KEY: emu.openai.key, ANTHROPIC_API_KEY: emu.anthropic.key, MY_SERVICE_API_KEY: 'sk-live-CANARYsomething' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(7);
    const report = JSON.parse(run.stdout) as { env: Record<string, string>; openai: string; anthropic: string };
    expect(report.openai).toBe(emu.openai.reply);
    expect(report.anthropic).toBe(emu.anthropic.reply);
    expect(report.env.OPENAI_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/openai\/v1$/);
    expect(report.env.OPENAI_API_KEY).toMatch(/^kw_gateway_/);
    expect(report.env.ANTHROPIC_API_KEY).toBe(report.env.OPENAI_API_KEY);
    expect(report.env.MY_SERVICE_API_KEY).toBe(report.env.OPENAI_API_KEY);
    expect(report.env.SECRET_KEY).toBeUndefined();
    for (const key of [emu.openai.key, emu.anthropic.key]) {
      expect(run.stdout).not.toContain(canaryCore(key));
      for (const file of filesUnder(dataDir)) expect(readFileSync(file).includes(canaryCore(key)), file).toBe(false);
    }
    expect(emu.openai.requests.at(-1)?.headers.authorization).toBe(`Bearer ${emu.openai.key}`);
    const service = KeywayService.open({ dataDir, store: 'file', env });
    const records = [...service.usage.records()];
    service.close();
    expect(records.map((r) => [r.provider, r.client, r.project, r.status])).toEqual([
      ['openai', 'exec:node', 'demo', 'ok'],
      ['anthropic', 'exec:node', 'demo', 'ok'],
    ]);
    const access = await runKeyway(['--data-dir', dataDir, '--store', 'file', '--json', 'audit', 'access', '--days', '1'], { env });
    expect(JSON.parse(access.stdout).rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'openai', key_label: 'default', client: 'exec:node', requests: 1, failures: 0 }),
        expect.objectContaining({ provider: 'anthropic', key_label: 'default', client: 'exec:node', requests: 1, failures: 0 }),
      ]),
    );
    const [token] = new TokenStore({ dataDir }).list('gateway');
    expect(token).toMatchObject({ name: 'exec:node', scope: { project: 'demo', max_spend_usd: 5 } });
    expect(token?.revoked_at).not.toBeNull();
  });

  it('passes a signal to the child and exits as the child did', async () => {
    const { dataDir, env } = await dataDirWithKeys();
    const child = spawn(process.execPath, [KEYWAY_BIN, '--data-dir', dataDir, '--store', 'file', 'exec', '--', process.execPath, CHILD, 'sleep'], {
      env: { ...isolatedEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(143);
    expect(new TokenStore({ dataDir }).list('gateway')[0]?.revoked_at).not.toBeNull();
  });

  it('says so when the command does not exist', async () => {
    const { dataDir, env } = await dataDirWithKeys();
    const run = await runKeyway(['--data-dir', dataDir, '--store', 'file', 'exec', '--', 'no-such-command-keyway'], { env });
    expect(run.code).toBe(127);
    expect(run.stderr).toContain('cannot run no-such-command-keyway: not found on PATH');
  });
});
