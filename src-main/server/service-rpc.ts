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
  estimateCost: { context: false },
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

/** The service as the CLI sees it: the same methods, always async (in-process or over the socket). */
export type ServiceApi = {
  [K in ServiceRpcMethod]: (...args: Parameters<KeywayService[K]>) => Promise<Awaited<ReturnType<KeywayService[K]>>>;
};

export const RPC_METHOD = 'keyway/call';

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
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

/** The in-process ServiceApi: the service itself, each method made async. */
export function localServiceApi(service: KeywayService): ServiceApi {
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of Object.keys(SERVICE_RPC_METHODS) as ServiceRpcMethod[]) {
    api[name] = async (...args) => (service[name] as (...a: unknown[]) => unknown).apply(service, args);
  }
  return api as ServiceApi;
}

/**
 * Answers `keyway/call` on a socket connection (owner-only, so only this user's CLI reaches it).
 * Errors travel as ErrorInfo and are rethrown as KeywayError by the client, so exit codes match.
 */
export function registerServiceRpc(server: McpServer, service: KeywayService): void {
  server.server.setRequestHandler(ServiceRpcRequestSchema, async (request) => {
    const { name, args, actor, caller_env } = request.params;
    const spec = SERVICE_RPC_METHODS[name];
    const ctx: CallContext = caller_env ? { actor, callerEnv: caller_env } : { actor };
    // JSON turns an omitted optional argument into null; the service expects undefined.
    const given = args.map((a) => (a === null ? undefined : a));
    const callArgs = spec.context ? [...given.slice(0, (service[name] as (...a: unknown[]) => unknown).length - 1), ctx] : given;
    try {
      const value = await (service[name] as (...a: unknown[]) => unknown).apply(service, callArgs);
      return { value: value ?? null };
    } catch (error) {
      const info: ErrorInfo = toErrorInfo(error);
      return { error: info };
    }
  });
}
