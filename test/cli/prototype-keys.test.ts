import { describe, expect, it } from 'vitest';
import { runKeyway } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

describe.each(PROTOTYPE_KEYS)('keyway commands given the user key %s', (key) => {
  it.each<[string, string[]]>([
    ['route', ['route', key]],
    ['recommend', ['recommend', key]],
    ['estimate --model', ['estimate', 'openai', '--model', key, '--input', '10']],
    ['estimate --model (local)', ['estimate', 'local', '--model', key, '--input', '10']],
    ['track --model', ['track', 'openai', '--model', key, '--input', '10', '--output', '1']],
    ['keys add --from-env', ['keys', 'add', 'openai', '--from-env', key]],
    ['keys remove --label', ['keys', 'remove', 'openai', '--label', key]],
  ])('%s answers as for any unknown name, never with an internal error or a prototype member', async (_name, args) => {
    const dir = tempDir();
    const run = await runKeyway(args, { cwd: dir, env: { KEYWAY_DATA_DIR: dir, KEYWAY_SECRET_STORE: 'file', SECRET_KEY: 'proto-test' } });
    expect([0, 1]).toContain(run.code);
    expect(run.stdout + run.stderr).not.toMatch(/Internal error|\[native code\]|function \w*\(|\[object /);
  });
});
