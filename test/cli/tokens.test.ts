import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CreatedToken, TokenRecord } from '../../src-main/shared/tokens.js';
import { runKeyway } from '../support/cli.js';
import { fileStoreEnv } from '../support/mcp.js';
import { tempDir } from '../support/temp-dir.js';

describe('keyway tokens', () => {
  it('creates scoped gateway and editor tokens, lists them by kind (never the token), and revokes one', async () => {
    const dir = tempDir();
    const env = fileStoreEnv(dir);
    const gateway = await runKeyway(['--json', 'tokens', 'create', '--kind', 'gateway', '--name', 'ci', '--provider', 'openai', 'anthropic', '--max-spend', '2.5', '--project', 'demo'], { env });
    expect(gateway.code).toBe(0);
    const created = JSON.parse(gateway.stdout) as CreatedToken;
    expect(created.record.scope).toEqual({ providers: ['openai', 'anthropic'], max_spend_usd: 2.5, project: 'demo' });
    expect((await runKeyway(['tokens', 'create', '--kind', 'editor', '--name', 'cursor'], { env })).code).toBe(0);

    const all = await runKeyway(['tokens'], { env });
    expect(all.stdout).toMatch(/gateway\s+ci/);
    expect(all.stdout).toMatch(/editor\s+cursor/);
    expect(all.stdout).not.toContain(created.token);
    expect(readFileSync(join(dir, 'tokens.json'), 'utf8')).not.toContain(created.token);
    const editors = JSON.parse((await runKeyway(['--json', 'tokens', '--kind', 'editor'], { env })).stdout) as { tokens: TokenRecord[] };
    expect(editors.tokens.map((t) => t.name)).toEqual(['cursor']);

    expect((await runKeyway(['tokens', 'revoke', created.record.id], { env })).stdout).toContain(`Revoked gateway token ${created.record.id}`);
    expect((await runKeyway(['tokens', 'list', '--kind', 'gateway'], { env })).stdout).toMatch(/revoked 20/);
  });

  it('refuses a scope on an editor token and an unknown kind, saying what to use', async () => {
    const env = fileStoreEnv(tempDir());
    const scoped = await runKeyway(['tokens', 'create', '--kind', 'editor', '--name', 'x', '--max-spend', '1'], { env });
    expect(scoped.code).toBe(1);
    expect(scoped.stderr).toContain('scope gateway tokens only; use --kind gateway');
    const kind = await runKeyway(['tokens', 'create', '--kind', 'dashboard', '--name', 'x'], { env });
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('Allowed choices are editor, gateway');
  });
});
