import { InvalidArgumentError, type Command } from 'commander';
import { KeywayError } from '../../core/errors.js';
import { DEFAULT_HTTP_PORT } from '../../server/default-port.js';
import type { CliIo } from '../io.js';

/** --port, then KEYWAY_PORT, then the default; 0 picks any free port. */
export function resolvePort(option: number | undefined, env: NodeJS.ProcessEnv): number {
  if (option !== undefined) return option;
  if (!env.KEYWAY_PORT) return DEFAULT_HTTP_PORT;
  const port = toPort(env.KEYWAY_PORT);
  if (port === undefined) {
    throw new KeywayError('invalid_input', `KEYWAY_PORT must be a whole number from 0 to 65535, got "${env.KEYWAY_PORT}". Fix it or unset it.`);
  }
  return port;
}

/** Commander parser for --port. */
export function parsePort(value: string): number {
  const port = toPort(value);
  if (port === undefined) throw new InvalidArgumentError(`port must be a whole number from 0 to 65535, got "${value}".`);
  return port;
}

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run the service headless: MCP on the data dir socket and at http://127.0.0.1:<port>/mcp')
    .option('--port <port>', `HTTP port (default: KEYWAY_PORT or ${DEFAULT_HTTP_PORT}; 0 = any free port)`, parsePort)
    .action(async (options: { port?: number }) => {
      const [{ startKeywayServer }, { apiRoutes }, { staticUiRoutes }] = await Promise.all([
        import('../../server/keyway-server.js'),
        import('../../http/api-routes.js'),
        import('../../http/static-ui.js'),
      ]);
      const service = await io.service();
      const running = await startKeywayServer({
        service,
        port: resolvePort(options.port, io.env),
        log: (line) => io.err(`keyway: ${line}`),
        publicRoutes: staticUiRoutes(),
        protectedRoutes: apiRoutes(service),
      });
      io.print(running.info, (info) => `Keyway serving ${service.dataDir}\n  socket ${info.socket}\n  MCP    ${info.mcp_url}\n  UI     ${info.http_origin}/ui/ (token: the http-token file in the data dir)\nPress Ctrl+C to stop.`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          io.err(`keyway: ${signal}, shutting down`);
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
          resolve();
        };
        const onInt = () => stop('SIGINT');
        const onTerm = () => stop('SIGTERM');
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
      });
      await running.close();
    });
}

function toPort(value: string): number | undefined {
  const n = Number(value);
  return /^\d+$/.test(value.trim()) && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}
