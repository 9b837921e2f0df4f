import { InvalidArgumentError, Option, type Command } from 'commander';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers.js';
import { TOKEN_KINDS, type TokenKind, type TokenRecord } from '../../shared/tokens.js';
import { KeywayError } from '../../core/errors.js';
import type { CliIo } from '../io.js';
import { table } from '../table.js';

/** `keyway tokens` (list), `tokens create`, `tokens revoke`: the local tokens that open /api, /mcp and the gateway. */
export function registerTokenCommands(program: Command, io: CliIo): void {
  const tokens = program
    .command('tokens')
    .description('local tokens: the dashboard token (/ui, /api), editor tokens (/mcp) and gateway tokens');

  tokens
    .command('list', { isDefault: true })
    .description('list tokens (the default): never the tokens themselves, which are shown once at creation')
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
    .addOption(new Option('--provider <provider...>', 'gateway tokens: only these providers').choices(PROVIDER_IDS))
    .option('--max-spend <usd>', 'gateway tokens: stop spending past this many USD', parseUsd)
    .option('--project <name>', 'gateway tokens: the project its requests are recorded under')
    .action(async (options: { kind: 'editor' | 'gateway'; name: string; expiresIn?: number; provider?: ProviderId[]; maxSpend?: number; project?: string }) => {
      const scope = {
        ...(options.provider ? { providers: [...new Set(options.provider)] } : {}),
        ...(options.maxSpend === undefined ? {} : { max_spend_usd: options.maxSpend }),
        ...(options.project === undefined ? {} : { project: options.project }),
      };
      if (options.kind !== 'gateway' && Object.keys(scope).length > 0) {
        throw new KeywayError('invalid_input', '--provider, --max-spend and --project scope gateway tokens only; use --kind gateway.');
      }
      const created = await (await io.api()).call('tokens.create', {
        kind: options.kind,
        name: options.name,
        ...(options.expiresIn === undefined ? {} : { expires_in_s: options.expiresIn }),
        ...(Object.keys(scope).length > 0 ? { scope } : {}),
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

function parseUsd(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected an amount of USD above 0, got "${value}".`);
  return n;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of seconds, got "${value}".`);
  return n;
}
