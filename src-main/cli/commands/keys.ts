import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { KeyRecord } from '../../shared/keys.js';
import type { KeyValidationResult } from '../../shared/validation.js';
import type { ProviderId } from '../../shared/providers.js';
import { KeywayError } from '../../core/errors.js';
import type { CliIo } from '../io.js';
import { providerArgument } from '../provider-argument.js';
import { readSecret } from '../read-secret.js';
import { table } from '../table.js';

const CLI = { actor: 'cli' } as const;

interface SecretOptions {
  label: string;
  fromEnv?: string;
}

export function registerKeyCommands(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('add, list, rotate, remove, validate and back up API keys');

  keys
    .command('add')
    .description('store a key; the secret comes from --from-env or stdin, never from the command line')
    .addArgument(providerArgument())
    .option('--label <label>', 'name for this key, e.g. work or personal', 'default')
    .option('--from-env <VAR>', 'read the key from this environment variable (or ./.env)')
    .addHelpText('after', '\nExamples:\n  keyway keys add anthropic --from-env ANTHROPIC_API_KEY\n  pbpaste | keyway keys add openai --label work')
    .action(async (provider: ProviderId, options: SecretOptions) => {
      const secret = options.fromEnv ? undefined : await readSecret(io.stdin, `${provider} API key:`);
      const result = await (await io.api()).addKey(
        { provider, label: options.label, ...(options.fromEnv ? { env_var: options.fromEnv } : { api_key: secret }) },
        CLI,
      );
      for (const warning of result.warnings) io.err(`warning: ${warning}`);
      io.print(result, (r) => `${r.created ? 'Added' : 'Updated'} ${r.key.id} ${r.key.masked} (fingerprint ${r.key.fingerprint}) in the ${r.key.store} store.`);
    });

  keys
    .command('list')
    .description('list stored keys (masked; secrets are never shown)')
    .addArgument(providerArgument(false))
    .action(async (provider: ProviderId | undefined) => {
      io.print(await (await io.api()).listKeys({ provider }), (r) =>
        r.keys.length === 0 ? 'No keys yet. Add one with: keyway keys add anthropic --from-env ANTHROPIC_API_KEY' : formatKeys(r.keys),
      );
    });

  keys
    .command('rotate')
    .description('replace a key with a new one')
    .addArgument(providerArgument())
    .option('--label <label>', 'which key', 'default')
    .option('--from-env <VAR>', 'read the new key from this environment variable (or ./.env)')
    .option('--grace <seconds>', 'keep the old key usable for this long', parseSeconds, 0)
    .action(async (provider: ProviderId, options: SecretOptions & { grace: number }) => {
      const secret = options.fromEnv ? undefined : await readSecret(io.stdin, `new ${provider} API key:`);
      const result = await (await io.api()).rotateKey(
        {
          provider,
          label: options.label,
          grace_seconds: options.grace,
          ...(options.fromEnv ? { env_var: options.fromEnv } : { new_api_key: secret }),
        },
        CLI,
      );
      for (const warning of result.warnings) io.err(`warning: ${warning}`);
      io.print(result, (r) => `Rotated ${r.key.id}: now ${r.key.masked} (fingerprint ${r.key.fingerprint}).`);
    });

  keys
    .command('remove')
    .description('delete a key from the vault')
    .addArgument(providerArgument())
    .option('--label <label>', 'which key', 'default')
    .action(async (provider: ProviderId, options: { label: string }) => {
      const result = await (await io.api()).removeKey({ provider, label: options.label }, CLI);
      io.print(result, (r) => `Removed ${r.removed.id} ${r.removed.masked}.`);
    });

  keys
    .command('validate')
    .description('check stored keys with their providers (one cheap authenticated call each); --offline checks the format only')
    .addArgument(providerArgument(false))
    .option('--label <label>', 'only this key of the provider')
    .option('--offline', 'check the format only, make no network call')
    .action(async (provider: ProviderId | undefined, options: { label?: string; offline?: boolean }, command: Command) => {
      if (options.label && !provider) command.error(`error: --label needs a provider, e.g. keyway keys validate openai --label ${options.label}`, { exitCode: 2 });
      const api = await io.api();
      const offline = options.offline === true;
      let results: KeyValidationResult[];
      if (provider && options.label) results = [await api.validateKey(provider, options.label, { offline }, CLI)];
      else if (provider) {
        const { keys } = await api.listKeys({ provider });
        // Asked to validate a provider's key that is not there: that is a failure, not "all valid".
        if (keys.length === 0) throw new KeywayError('key_not_found', `No ${provider} key to validate. Add one with: keyway keys add ${provider}`);
        results = await Promise.all(keys.map((k) => api.validateKey(provider, k.label, { offline }, CLI)));
      } else results = (await api.validateAllKeys({ offline }, CLI)).results;
      const valid = results.filter((r) => r.ok).length;
      io.print({ results, valid, failed: results.length - valid }, (r) =>
        r.results.length === 0
          ? 'No keys to validate. Add one with: keyway keys add anthropic --from-env ANTHROPIC_API_KEY'
          : table(['KEY', 'RESULT', 'DETAIL'], r.results.map((c) => [c.key_id, c.ok ? c.outcome : `FAILED: ${c.outcome}`, c.detail])),
      );
      if (valid < results.length) io.exitCode = 1;
    });

  keys
    .command('export')
    .description('write every key to a passphrase-encrypted backup file')
    .requiredOption('--to <file>', 'backup file to write (mode 0600)')
    .option('--passphrase-env <VAR>', 'read the passphrase from this environment variable instead of stdin')
    .option('--force', 'replace the file if it already exists')
    .action(async (options: { to: string; passphraseEnv?: string; force?: boolean }) => {
      if (!options.force && existsSync(resolve(options.to))) {
        throw new KeywayError('invalid_input', `${options.to} already exists and was left as it is. Choose another file, or pass --force to replace it.`);
      }
      const passphrase = await readPassphrase(io, options.passphraseEnv);
      const result = await (await io.api()).exportKeys(options.to, passphrase, CLI);
      io.print(result, (r) => `Exported ${r.count} key(s) to ${r.path}.`);
    });

  keys
    .command('import')
    .description('restore keys from a backup file into the active secret store')
    .requiredOption('--from <file>', 'backup file written by keyway keys export')
    .option('--passphrase-env <VAR>', 'read the passphrase from this environment variable instead of stdin')
    .action(async (options: { from: string; passphraseEnv?: string }) => {
      const passphrase = await readPassphrase(io, options.passphraseEnv);
      const result = await (await io.api()).importKeys(options.from, passphrase, CLI);
      io.print(result, (r) => `Imported ${r.imported.length} key(s) into the ${r.store} store.`);
    });
}

function formatKeys(keys: KeyRecord[]): string {
  return table(
    ['PROVIDER', 'LABEL', 'KEY', 'FINGERPRINT', 'SOURCE', 'VALIDATION', 'LAST USED'],
    keys.map((k) => [k.provider, k.label, k.masked, k.fingerprint, k.source, k.validation, k.last_used_at ?? 'never']),
  );
}

async function readPassphrase(io: CliIo, envVar: string | undefined): Promise<string> {
  if (!envVar) return readSecret(io.stdin, 'backup passphrase:', '--passphrase-env');
  const value = io.env[envVar];
  if (!value) throw new KeywayError('env_var_missing', `Environment variable ${envVar} is not set; export the passphrase in it or pipe it on stdin.`);
  return value;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`--grace must be a whole number of seconds, got "${value}".`);
  return n;
}
