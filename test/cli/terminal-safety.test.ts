import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { table } from '../../src-main/cli/table.js';
import { canaryKey } from '../support/canary.js';
import { runKeyway } from '../support/cli.js';
import { call, ok, textOf, useSocketServer } from '../support/mcp.js';
import { tempDir } from '../support/temp-dir.js';

/** Every kind of character a terminal acts on: C0 (NUL, BEL, TAB, LF, CR, ESC), DEL and C1 (NEL, CSI). */
const CONTROLS = ['\u0000', '\u0007', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009b'];
/** Any raw control or C1 character (the newlines Keyway itself writes between lines excepted). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const name = (c: string) => `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

describe('update_provider_config refuses control characters (one rule in the shared schema)', () => {
  const fixture = useSocketServer();

  it.each(CONTROLS.map((c) => [name(c), c]))('refuses %s in base_url and in model names, and stores nothing', async (_name, c) => {
    const configPath = fixture.server.service.config.path;
    await ok(fixture.client, 'update_provider_config', { provider: 'local', enabled: true });
    const before = readFileSync(configPath, 'utf8');
    for (const args of [
      { provider: 'local', base_url: `http://127.0.0.1:11434/${c}[2J` },
      { provider: 'openai', models: [`gpt-4o${c}]0;title`] },
    ]) {
      const result = await call(fixture.client, 'update_provider_config', args);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('must not contain control characters');
    }
    expect(readFileSync(configPath, 'utf8')).toBe(before);
  });
});

describe('the CLI never prints a control character it did not write itself', () => {
  function dataDir(): { env: Record<string, string>; dir: string } {
    const dir = tempDir();
    return { dir, env: { KEYWAY_DATA_DIR: dir, KEYWAY_SECRET_STORE: 'file', SECRET_KEY: 'terminal-test' } };
  }

  it('keyway providers set refuses a base URL with ESC', async () => {
    const { env } = dataDir();
    const run = await runKeyway(['providers', 'set', 'local', '--base-url', 'http://127.0.0.1:11434/\u001b[2J'], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('must not contain control characters');
    expect(run.stderr).not.toMatch(RAW_CONTROL);
  });

  it('a hand-edited routing_config.json with controls in model names is reported (field named), never printed raw', async () => {
    const { env, dir } = dataDir();
    expect((await runKeyway(['providers'], { env })).code).toBe(0);
    const path = join(dir, 'routing_config.json');
    const config = JSON.parse(readFileSync(path, 'utf8')) as { providers: Record<string, { models: string[] }> };
    config.providers.openai!.models = ['gpt-4\u001b]0;pwned\u0007', 'x\u009b2J'];
    writeFileSync(path, JSON.stringify(config));
    for (const args of [['providers'], ['--json', 'providers'], ['route', 'chat']]) {
      const run = await runKeyway(args, { env });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('providers.openai.models.0: model names must not contain control characters');
      expect(run.stdout + run.stderr).not.toMatch(RAW_CONTROL);
    }
  });

  it('a hand-edited settings.json shows its controls as escapes in tables and in --json', async () => {
    const { env, dir } = dataDir();
    expect((await runKeyway(['keys', 'add', 'openai'], { env, input: canaryKey('openai') })).code).toBe(0);
    const path = join(dir, 'settings.json');
    const settings = JSON.parse(readFileSync(path, 'utf8')) as { keys: Record<string, Record<string, string>> };
    // Fields settings.json's schema leaves free (a label with controls is refused on read altogether).
    Object.assign(settings.keys['openai:default']!, { masked: 'sk-\u001b[2J...', validation_detail: 'ok\r\nFAKE LINE \u009b31m' });
    writeFileSync(path, JSON.stringify(settings));
    const human = await runKeyway(['keys', 'list'], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).not.toMatch(RAW_CONTROL);
    expect(human.stdout).toContain('sk-\\x1b[2J...');
    const json = await runKeyway(['--json', 'keys', 'list'], { env });
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    // The same value, only written safely.
    expect((JSON.parse(json.stdout) as { keys: Array<{ validation_detail: string }> }).keys[0]!.validation_detail).toBe('ok\r\nFAKE LINE \u009b31m');
  });

  it('table() escapes every control, line separator and bidi override in a cell', () => {
    const text = table(['A', 'B'], [[`x${CONTROLS.join('')}\u2028\u202e`, 'y']]);
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toBe(['A' + ' '.repeat(50) + 'B', 'x\\x00\\x07\\x09\\x0a\\x0d\\x1b\\x7f\\x85\\x9b\\u2028\\u202e  y'].join('\n'));
  });
});
