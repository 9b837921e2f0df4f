import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode as McpErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { KeywayError } from '../core/errors.js';
import { readEnvSecret } from '../core/vault/env-source.js';
import { SocketClientTransport } from '../mcp/socket-client-transport.js';
import { OwnerCallResultSchema, OwnerPageSchema, RPC_METHOD, RPC_NEXT_METHOD } from '../server/owner-rpc.js';
import type { ServerInfo } from '../server/server-info.js';
import { CHANNELS, type Channel } from '../shared/channels.js';
import { ERROR_CODES, type ErrorCode } from '../shared/errors.js';
import type { Remedy } from '../shared/remedy.js';
import { KEYWAY_VERSION } from '../shared/version.js';
import type { ServiceCalls } from './service-calls.js';

export interface RemoteService {
  calls: ServiceCalls;
  close(): Promise<void>;
}

/**
 * The CLI's view of a running service: the same channels as in-process, carried over the socket.
 * An `env_var` is resolved in the CLI's own environment (or ./.env), so the command means what it
 * would mean in-process. Errors come back as KeywayError; a notice (a broken routing_config.json)
 * goes to `warn`.
 */
export async function connectService(running: ServerInfo, caller: { env: NodeJS.ProcessEnv; cwd: string; warn: (line: string) => void }): Promise<RemoteService> {
  const client = new Client({ name: 'keyway-cli', version: KEYWAY_VERSION });
  await client.connect(new SocketClientTransport(running.socket));
  const warned = new Set<string>();
  const request = async <T>(send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw stopped(error, running);
    }
  };
  const calls: ServiceCalls = {
    call: async (channel, input) => {
      const result = await request(() =>
        client.request({ method: RPC_METHOD, params: { channel, input, caller_env: callerEnv(input, caller) } }, OwnerCallResultSchema, { timeout: 10 * 60_000 }),
      );
      if (result.notice && !warned.has(result.notice)) {
        warned.add(result.notice);
        caller.warn(`warning: ${result.notice}`);
      }
      if (result.error) {
        throw new KeywayError(errorCode(result.error.code), result.error.message, result.error.remedy ? { remedy: result.error.remedy as Remedy } : undefined);
      }
      if ('stream' in CHANNELS[channel as Channel] && result.stream !== undefined) return pages(client, result.stream, request) as never;
      return result.value as never;
    },
  };
  return { calls, close: () => client.close() };
}

/** A streamed result, pulled page by page as the caller consumes it. */
async function* pages(client: Client, stream: number, request: <T>(send: () => Promise<T>) => Promise<T>): AsyncGenerator<string> {
  for (;;) {
    const page = await request(() => client.request({ method: RPC_NEXT_METHOD, params: { stream } }, OwnerPageSchema));
    yield* page.chunks;
    if (page.done) return;
  }
}

/** A dropped connection or a protocol failure means the service stopped or broke, not an internal error of this command. */
function stopped(error: unknown, running: ServerInfo): unknown {
  if (!(error instanceof McpError) && !(error instanceof Error && /not connected|closed/i.test(error.message))) return error;
  const timeout = error instanceof McpError && error.code === McpErrorCode.RequestTimeout;
  return new KeywayError(
    'service_unreachable',
    timeout
      ? `The Keyway service (pid ${running.pid}) did not answer in time. Check that it still runs (keyway serve or the tray app), then run the command again.`
      : `The Keyway service (pid ${running.pid}) stopped during this command. Start it again (keyway serve or the tray app) and re-run the command; keyway audit shows whether a change was made.`,
  );
}

function callerEnv(input: unknown, caller: { env: NodeJS.ProcessEnv; cwd: string }): Record<string, string> | undefined {
  const name = typeof input === 'object' && input !== null ? (input as { env_var?: unknown }).env_var : undefined;
  if (typeof name !== 'string') return undefined;
  return { [name]: readEnvSecret(name, caller) };
}

function errorCode(code: string): ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'internal';
}
