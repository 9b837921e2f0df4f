import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { CallContext } from '../core/call-context.js';
import { toErrorInfo } from '../core/errors.js';
import type { KeywayService } from '../core/service.js';
import type { ErrorInfo } from '../shared/errors.js';
import { ENV_VAR_PATTERN } from '../shared/keys.js';

export interface RpcMethodSpec {
  /** The method takes a CallContext as its last parameter (the server builds it). */
  context: boolean;
  /** Argument positions holding file paths, made absolute in the caller's cwd before they travel. */
  pathArgs?: readonly number[];
  /** The method returns an Iterable<string> (e.g. an export), carried page by page (see RPC_NEXT_METHOD). */
  stream?: boolean;
}

/**
 * The service methods a local CLI may call through the running service, and whether each takes a
 * CallContext as its last parameter. One table: the socket handler and the CLI's client both use it.
 * Add a method here when a CLI command needs it.
 */
export const SERVICE_RPC_METHODS = {
  addKey: { context: true },
  rotateKey: { context: true },
  removeKey: { context: true },
  listKeys: { context: false },
  checkKeyFormats: { context: true },
  exportKeys: { context: true, pathArgs: [0] },
  importKeys: { context: true, pathArgs: [0] },
  auditEntries: { context: false },
  verifyAudit: { context: false },
  trackRequest: { context: true },
  getUsage: { context: false },
  gatewayAccess: { context: false },
  exportUsage: { context: false, stream: true },
  estimateCost: { context: false },
  countTokens: { context: false },
  listPrices: { context: false },
  updatePrices: { context: false },
  checkBudget: { context: false },
  setBudget: { context: true },
  reserveBudget: { context: false },
  settleReservation: { context: false },
  releaseReservation: { context: false },
  routeRequest: { context: false },
  getBestProviderForCost: { context: false },
  getRoutingRecommendations: { context: false },
  getProviderStats: { context: false },
  checkLocalHealth: { context: false },
  validateKey: { context: true },
  validateAllKeys: { context: true },
  updateProviderConfig: { context: true },
} as const satisfies Partial<Record<keyof KeywayService, RpcMethodSpec>>;

export type ServiceRpcMethod = keyof typeof SERVICE_RPC_METHODS;

/** What a method's result becomes for the CLI: a streamed Iterable<string> arrives as an AsyncIterable. */
type Carried<K extends ServiceRpcMethod, T> = (typeof SERVICE_RPC_METHODS)[K] extends { stream: true } ? AsyncIterable<string> : T;

/** The service as the CLI sees it: the same methods, always async (in-process or over the socket). */
export type ServiceApi = {
  [K in ServiceRpcMethod]: (...args: Parameters<KeywayService[K]>) => Promise<Carried<K, Awaited<ReturnType<KeywayService[K]>>>>;
};

export const RPC_METHOD = 'keyway/call';
/** Pulls the next page of a streamed result (a `keyway/call` answer carrying `stream`). */
export const RPC_NEXT_METHOD = 'keyway/next';
/** A page of a streamed result holds about this much text; the service never holds more at once. */
export const STREAM_PAGE_BYTES = 1024 * 1024;
/** Streams one socket connection may leave open at once (each holds a paged reader, not data). */
const MAX_OPEN_STREAMS = 4;

export const ServiceRpcRequestSchema = z.object({
  method: z.literal(RPC_METHOD),
  params: z.object({
    name: z.enum(Object.keys(SERVICE_RPC_METHODS) as [ServiceRpcMethod, ...ServiceRpcMethod[]]),
    args: z.array(z.unknown()).max(4),
    actor: z.string().regex(/^[a-z][\w:.@-]{0,63}$/).default('cli'),
    /** Only the variable(s) an env_var argument names, resolved in the caller's environment. */
    caller_env: z.record(z.string().regex(ENV_VAR_PATTERN), z.string().max(4096)).optional(),
    _meta: z.unknown().optional(),
  }),
});

export const ServiceRpcResultSchema = z.looseObject({
  value: z.unknown().optional(),
  /** Set instead of `value` for a stream method: pull its pages with RPC_NEXT_METHOD. */
  stream: z.number().int().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const ServiceRpcNextRequestSchema = z.object({
  method: z.literal(RPC_NEXT_METHOD),
  params: z.object({ stream: z.number().int(), _meta: z.unknown().optional() }),
});

export const ServiceRpcPageSchema = z.looseObject({ chunks: z.array(z.string()), done: z.boolean() });

/** The in-process ServiceApi: the service itself, each method made async. */
export function localServiceApi(service: KeywayService): ServiceApi {
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, spec] of Object.entries(SERVICE_RPC_METHODS) as Array<[ServiceRpcMethod, RpcMethodSpec]>) {
    const method = service[name] as (...a: unknown[]) => unknown;
    api[name] = spec.stream ? async (...args) => asAsync(method.apply(service, args) as Iterable<string>) : async (...args) => method.apply(service, args);
  }
  return api as ServiceApi;
}

/**
 * Answers `keyway/call` on a socket connection (owner-only, so only this user's CLI reaches it).
 * Errors travel as ErrorInfo and are rethrown as KeywayError by the client, so exit codes match.
 */
export function registerServiceRpc(server: McpServer, service: KeywayService): void {
  const streams = new Map<number, Iterator<string>>();
  let nextStream = 1;
  const closed = server.server.onclose;
  server.server.onclose = () => {
    closed?.();
    for (const stream of streams.values()) stream.return?.();
    streams.clear();
  };
  server.server.setRequestHandler(ServiceRpcNextRequestSchema, (request) => {
    const stream = streams.get(request.params.stream);
    if (!stream) return { chunks: [], done: true };
    const page = nextPage(stream);
    if (page.done) streams.delete(request.params.stream);
    return page;
  });
  server.server.setRequestHandler(ServiceRpcRequestSchema, async (request) => {
    const { name, args, actor, caller_env } = request.params;
    const spec = SERVICE_RPC_METHODS[name];
    const ctx: CallContext = caller_env ? { actor, callerEnv: caller_env } : { actor };
    // JSON turns an omitted optional argument into null; the service expects undefined.
    const given = args.map((a) => (a === null ? undefined : a));
    const callArgs = spec.context ? [...given.slice(0, (service[name] as (...a: unknown[]) => unknown).length - 1), ctx] : given;
    try {
      const value = await (service[name] as (...a: unknown[]) => unknown).apply(service, callArgs);
      if ('stream' in spec && spec.stream) {
        if (streams.size >= MAX_OPEN_STREAMS) return { error: { code: 'invalid_input', message: 'Too many unfinished exports on this connection; finish one first.' } };
        const id = nextStream++;
        streams.set(id, (value as Iterable<string>)[Symbol.iterator]());
        return { stream: id };
      }
      return { value: value ?? null };
    } catch (error) {
      const info: ErrorInfo = toErrorInfo(error);
      return { error: info };
    }
  });
}

/** Up to about STREAM_PAGE_BYTES of chunks from a stream; `done` once it is exhausted. */
function nextPage(stream: Iterator<string>): { chunks: string[]; done: boolean } {
  const chunks: string[] = [];
  let size = 0;
  while (size < STREAM_PAGE_BYTES) {
    const next = stream.next();
    if (next.done) return { chunks, done: true };
    chunks.push(next.value);
    size += next.value.length;
  }
  return { chunks, done: false };
}

async function* asAsync(chunks: Iterable<string>): AsyncGenerator<string> {
  yield* chunks;
}
