import { InvalidArgumentError, Option, type Command } from 'commander';
import { TOKEN_KINDS, type TokenKind, type TokenRecord } from '../../shared/tokens.js';
import type { CliIo } from '../io.js';
import { table } from '../table.js';

/** `keyway tokens` (list), `tokens create`, `tokens revoke`: the local tokens that open /api, /mcp and the gateway. */
export function registerTokenCommands(program: Command, io: CliIo): void {
  const tokens = program
    .command('tokens')
    .description('list local tokens: the dashboard token (/ui, /api), editor tokens (/mcp) and gateway tokens')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(TOKEN_KINDS))
    .action(async (options: { kind?: TokenKind }) => {
      const result = await (await io.api()).call('tokens.list', options.kind ? { kind: options.kind } : {});
      io.print(result, (r) => (r.tokens.length === 0 ? 'No tokens yet. `keyway mcp-config cursor --http` creates one for an editor.' : formatTokens(r.tokens)));
    });

  tokens
    .command('create')
    .description('create a token; it is printed once and only its hash is kept')
    .addOption(new Option('--kind <kind>', 'editor (/mcp, agent powers) or gateway').choices(['editor', 'gateway']).makeOptionMandatory())
    .requiredOption('--name <name>', 'what it is for, e.g. cursor or ci')
    .option('--expires-in <seconds>', 'expire after this many seconds', parseSeconds)
    .action(async (options: { kind: 'editor' | 'gateway'; name: string; expiresIn?: number }) => {
      const created = await (await io.api()).call('tokens.create', {
        kind: options.kind,
        name: options.name,
        ...(options.expiresIn === undefined ? {} : { expires_in_s: options.expiresIn }),
      });
      io.print(created, (c) => `${c.token}\n(${c.record.kind} token ${c.record.id} "${c.record.name}"; shown once, only its hash is kept)`);
    });

  tokens
    .command('revoke')
    .description('revoke a token at once (editors holding it are refused from then on)')
    .argument('<id>', 'token id from keyway tokens (tok_...)')
    .action(async (id: string) => {
      const record = await (await io.api()).call('tokens.revoke', { id });
      io.print(record, (r) => `Revoked ${r.kind} token ${r.id} "${r.name}".`);
    });
}

function formatTokens(tokens: TokenRecord[]): string {
  return table(
    ['ID', 'KIND', 'NAME', 'CREATED', 'EXPIRES', 'STATE'],
    tokens.map((t) => [t.id, t.kind, t.name, t.created_at, t.expires_at ?? 'never', t.revoked_at ? `revoked ${t.revoked_at}` : 'active']),
  );
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of seconds, got "${value}".`);
  return n;
}
