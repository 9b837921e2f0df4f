import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { constants } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { resolveDataDir } from '../../core/data-dir.js';
import { KeywayError } from '../../core/errors.js';
import { findRunningServer } from '../../server/server-info.js';
import { isProviderId, PROVIDER_IDS, type ProviderId } from '../../shared/providers.js';
import { CreateTokenInputSchema } from '../../shared/tokens.js';
import { parseInput } from '../../core/parse-input.js';
import type { CliIo } from '../io.js';

/** A token outlives a child that never exits only this long (it is revoked when the child exits). */
const EXEC_TOKEN_TTL_S = 7 * 86_400;
const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

interface ExecOptions {
  provider?: ProviderId[];
  project?: string;
  maxSpend?: number;
}

function collectProvider(value: string, previous: ProviderId[] = []): ProviderId[] {
  if (!isProviderId(value)) throw new InvalidArgumentError(`provider must be one of ${PROVIDER_IDS.join(', ')}, got "${value}".`);
  return [...previous, value];
}

function parseUsd(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n > 0)) throw new InvalidArgumentError(`max spend must be a positive amount in USD such as 2.50, got "${value}".`);
  return n;
}

export function registerExecCommand(program: Command, io: CliIo): void {
  program
    .command('exec')
    .description('run a command with every provider SDK pointed at the Keyway gateway and a fresh scoped token in place of each *_API_KEY (revoked when it exits)')
    .option('--provider <provider>', 'allow only this provider (repeat for more; default: all)', collectProvider)
    .option('--project <name>', 'project name recorded with every request')
    .option('--max-spend <usd>', 'refuse requests once the command has spent this much', parseUsd)
    .argument('<command>', 'the program to run')
    .argument('[args...]', 'its arguments (put -- before them)')
    .action(async (command: string, args: string[], options: ExecOptions) => {
      io.exitCode = await execWithGateway(io, command, args, options);
    });
}

async function execWithGateway(io: CliIo, command: string, args: string[], options: ExecOptions): Promise<number> {
  // Loaded here, not at start-up: every other keyway command would pay for the gateway's HTTP stack.
  const [{ TokenStore }, { execChildEnv }, { createGateway }, { startHttpServer }] = await Promise.all([
    import('../../core/tokens/token-store.js'),
    import('../../gateway/exec-env.js'),
    import('../../gateway/gateway.js'),
    import('../../http/server.js'),
  ]);
  const dataDir = resolveDataDir(io.dataDirOption, io.env);
  const tokens = new TokenStore({ dataDir });
  const name = `exec:${basename(command).replace(/[^A-Za-z0-9 _.:@/-]/g, '_')}`.slice(0, 64);
  const scope = {
    ...(options.provider ? { providers: [...new Set(options.provider)] } : {}),
    ...(options.project !== undefined ? { project: options.project } : {}),
    ...(options.maxSpend !== undefined ? { max_spend_usd: options.maxSpend } : {}),
  };
  const input = parseInput(CreateTokenInputSchema, { kind: 'gateway', name, expires_in_s: EXEC_TOKEN_TTL_S, ...(Object.keys(scope).length > 0 ? { scope } : {}) });

  const running = await findRunningServer(dataDir);
  let origin: string;
  let stopServing: () => Promise<void> = async () => {};
  const secrets: string[] = [];
  if (running) {
    origin = running.http_origin;
  } else {
    // No service owns this data dir: serve the gateway from this process for the child's lifetime.
    const service = await io.service();
    for (const key of service.listKeys().keys) {
      try {
        secrets.push((await service.keys.getSecret(key.provider, key.label)).current);
      } catch {
        // A key without its secret cannot leak.
      }
    }
    const gateway = createGateway({ service, tokens: { verify: (presented) => tokens.verify(presented, 'gateway') }, log: (line) => io.err(`keyway: ${line}`) });
    const http = await startHttpServer({ authenticate: () => null, port: 0, publicRoutes: [gateway.route] });
    origin = http.origin;
    stopServing = async () => {
      await http.close();
      await gateway.close();
    };
  }
  const created = await tokens.create(input);
  const env = execChildEnv(io.env, origin, created.token, secrets);
  secrets.length = 0;
  try {
    return await runChild(io, command, args, env);
  } finally {
    await tokens.revoke(created.record.id).catch(() => undefined);
    await stopServing();
  }
}

/** Runs the child with the terminal, passing signals in and its exit code (or 128 + signal) out. */
function runChild(io: CliIo, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const handlers = FORWARDED_SIGNALS.map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const done = () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      done();
      if (error.code === 'ENOENT') {
        io.err(`keyway: cannot run ${command}: not found on PATH.`);
        return resolve(127);
      }
      reject(new KeywayError('invalid_input', `Cannot run ${command} (${error.code ?? error.name}).`));
    });
    child.once('exit', (code, signal) => {
      done();
      if (signal) return resolve(128 + (constants.signals[signal] ?? 0));
      resolve(code ?? 1);
    });
  });
}
