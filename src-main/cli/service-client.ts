import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallContext } from '../core/call-context.js';
import { KeywayError } from '../core/errors.js';
import { readEnvSecret } from '../core/vault/env-source.js';
import { SocketClientTransport } from '../mcp/socket-client-transport.js';
import { RPC_METHOD, RPC_NEXT_METHOD, SERVICE_RPC_METHODS, ServiceRpcPageSchema, ServiceRpcResultSchema, type RpcMethodSpec, type ServiceApi, type ServiceRpcMethod } from '../server/service-rpc.js';
import { ERROR_CODES, type ErrorCode } from '../shared/errors.js';

export interface RemoteServiceApi {
  api: ServiceApi;
  close(): Promise<void>;
}

/**
 * The CLI's view of a running service: the same methods as in-process, carried over the socket.
 * File paths are made absolute here and an `env_var` is resolved in the CLI's own environment
 * (or ./.env), so the command means what it would mean in-process. Errors come back as KeywayError.
 */
export async function connectServiceApi(socket: string, caller: { env: NodeJS.ProcessEnv; cwd: string }): Promise<RemoteServiceApi> {
  const client = new Client({ name: 'keyway-cli', version: '0.1.0' });
  await client.connect(new SocketClientTransport(socket));
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, spec] of Object.entries(SERVICE_RPC_METHODS) as Array<[ServiceRpcMethod, RpcMethodSpec]>) {
    api[name] = async (...args) => {
      const ctx = spec.context ? (args.pop() as CallContext | undefined) : undefined;
      const sent = args.map((arg, i) => (spec.pathArgs?.includes(i) && typeof arg === 'string' ? resolve(caller.cwd, arg) : arg));
      const result = await client.request(
        { method: RPC_METHOD, params: { name, args: sent, actor: ctx?.actor ?? 'cli', caller_env: callerEnv(sent[0], caller) } },
        ServiceRpcResultSchema,
      );
      if (result.error) throw new KeywayError(errorCode(result.error.code), result.error.message);
      if (spec.stream && result.stream !== undefined) return pages(client, result.stream);
      return result.value;
    };
  }
  return { api: api as ServiceApi, close: () => client.close() };
}

/** A streamed result, pulled page by page as the caller consumes it. */
async function* pages(client: Client, stream: number): AsyncGenerator<string> {
  for (;;) {
    const page = await client.request({ method: RPC_NEXT_METHOD, params: { stream } }, ServiceRpcPageSchema);
    yield* page.chunks;
    if (page.done) return;
  }
}

function callerEnv(input: unknown, caller: { env: NodeJS.ProcessEnv; cwd: string }): Record<string, string> | undefined {
  const name = typeof input === 'object' && input !== null ? (input as { env_var?: unknown }).env_var : undefined;
  if (typeof name !== 'string') return undefined;
  return { [name]: readEnvSecret(name, caller) };
}

function errorCode(code: string): ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'internal';
}
