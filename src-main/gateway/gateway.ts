import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { KeywayService } from '../core/service.js';
import { baseUrlFor } from '../core/providers/endpoints.js';
import type { HttpRoute } from '../http/route.js';
import type { GatewayRecordFields, GatewayStatus } from '../shared/usage.js';
import type { Dialect, ErrorReply } from './dialect.js';
import { dialectFor } from './dialects/index.js';
import { Forwarder, forwardableHeaders, isUnsent, writeReply, type CallResult, type Target } from './forwarder.js';
import { presentedToken, type GatewayToken, type GatewayTokenVerifier } from './gateway-token.js';
import { KeySecrets } from './key-secrets.js';
import { parseJsonBody, readBody, MAX_REQUEST_BYTES } from './request-body.js';
import { SpendGuard, type Hold } from './spend-guard.js';
import { Upstreams } from './upstreams.js';

export interface GatewayDeps {
  service: KeywayService;
  tokens: GatewayTokenVerifier;
  /** Secret-free lines for the process log. */
  log?: (line: string) => void;
}

export interface Gateway {
  /** Mount on the local HTTP server as a public route: it authenticates with gateway tokens itself. */
  route: HttpRoute;
  close(): Promise<void>;
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/;

/**
 * The request path: provider-native pass-through under /openai, /anthropic, /google and /ollama.
 * Each request is authenticated with a Keyway gateway token (never a provider key), checked
 * against the token's scope, held against budgets and the token's cap, forwarded with the real
 * key (failing over between keys before the first byte), streamed back as the provider sent it,
 * and recorded in the usage ledger with the provider's own usage figures.
 */
export function createGateway(deps: GatewayDeps): Gateway {
  const { service } = deps;
  const log = deps.log ?? (() => {});
  const upstreams = new Upstreams();
  const secrets = new KeySecrets(service.keys, service.events);
  const guard = new SpendGuard({ budget: () => service.budget, prices: service.prices, ledger: () => service.usage });
  const forwarder = new Forwarder({ upstreams, secrets, providers: service.providers, log });

  const route: HttpRoute = async (req, res, url) => {
    const match = dialectFor(url.pathname);
    if (!match) return false;
    await handle(match.dialect, match.rest, req, res, url);
    return true;
  };

  async function handle(dialect: Dialect, rest: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const started = performance.now();
    const refuse = (kind: Parameters<Dialect['error']>[0], message: string): void => {
      req.resume();
      writeReply(res, dialect.error(kind, message, undefined, rest));
    };
    const presented = presentedToken(req.headers, url.searchParams);
    if (presented === undefined) {
      return refuse('unauthorized', `Keyway's gateway needs a Keyway gateway token where the SDK sends its API key. Create one with keyway tokens create --name <name>, or run the program under keyway exec.`);
    }
    const token = await deps.tokens.verify(presented);
    if (!token || token.kind !== 'gateway') {
      return refuse('unauthorized', 'This Keyway gateway token is unknown, revoked or expired. Create a new one with keyway tokens create, or run the program under keyway exec.');
    }
    const allowed = token.scope?.providers;
    if (allowed && !allowed.includes(dialect.provider)) {
      return refuse('forbidden', `The gateway token "${token.name}" may use ${allowed.join(', ')}, not ${dialect.provider}. Create a token that includes ${dialect.provider}.`);
    }
    const method = req.method ?? 'GET';
    const op = dialect.operation(method, rest);
    if (!op) return refuse('not_found', `Keyway's gateway does not forward ${method} ${dialect.prefix}${rest}. It forwards the ${dialect.provider} calls it can meter (see the README's gateway section).`);
    const config = service.config.current();
    if (config.providers[dialect.provider]?.enabled === false) {
      return refuse('forbidden', `${dialect.provider} is disabled in routing_config.json. Enable it with keyway providers set ${dialect.provider} --enable.`);
    }
    const body = await readBody(req);
    if (body === null) return refuse('too_large', `The request body is over ${MAX_REQUEST_BYTES / 1024 / 1024} MB, the most Keyway's gateway forwards.`);
    const json = parseJsonBody(body);
    if (json instanceof Error) return refuse('bad_request', `The request body is not valid JSON (${json.message}).`);
    const facts = dialect.inspect(op, json, url.searchParams);
    const model = facts.model !== null && MODEL_NAME.test(facts.model) ? facts.model : 'unknown';

    let hold: Hold | null = null;
    if (op.metered) {
      const held = guard.reserve(token, { provider: dialect.provider, model, bodyBytes: body.length, maxOutputTokens: facts.maxOutputTokens });
      if (!held.granted) {
        writeReply(res, dialect.error('budget', held.message, undefined, rest));
        log(`gateway: refused ${dialect.provider}/${model} for token "${token.name}" (budget)`);
        return;
      }
      hold = held.hold;
    }

    const query = new URLSearchParams(url.searchParams);
    query.delete('key');
    const search = query.toString();
    const { origin, basePath } = upstreamOf(baseUrlFor(dialect.provider, config, service.providers.env));
    const target: Target = {
      dialect,
      op,
      provider: dialect.provider,
      origin,
      path: `${basePath}${rest}${search ? `?${search}` : ''}`,
      method,
      headers: forwardableHeaders(req.headers),
      body: method === 'GET' || method === 'HEAD' ? null : (facts.rewrittenBody ?? body),
      facts,
      clientPath: rest,
    };
    const abort = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) abort.abort();
    };
    res.on('close', onClose);
    let result: CallResult;
    try {
      const outcome = await forwarder.call(target, res, started, abort);
      if (isUnsent(outcome)) {
        writeReply(res, outcome.reply ?? unavailable(dialect, rest));
        result = { status: outcome.reply ? 'upstream_error' : 'unreachable', httpStatus: outcome.reply?.status ?? null, usage: { input: 0, output: 0, cache_read: 0, cache_write: 0, reasoning: 0 }, keyLabel: outcome.keyLabel, ttfbMs: null };
        if (outcome.detail.startsWith(`${dialect.provider} unreachable`)) result.status = 'unreachable';
      } else result = outcome;
    } catch (error) {
      if (hold) guard.release(hold);
      throw error;
    } finally {
      res.off('close', onClose);
    }
    if (!op.metered) return;
    await record(token, dialect, op.name, model, result, started, hold);
  }

  async function record(token: GatewayToken, dialect: Dialect, opName: string, model: string, result: CallResult, started: number, hold: Hold | null): Promise<void> {
    const usage = result.usage;
    const gateway: GatewayRecordFields = {
      client: token.name,
      token_id: token.id,
      project: token.scope?.project ?? null,
      route: `${dialect.prefix.slice(1)}/${opName}`,
      status: result.status as GatewayStatus,
      ttfb_ms: result.ttfbMs === null ? null : Math.round(result.ttfbMs),
      reasoning_tokens: usage.reasoning,
    };
    try {
      const tracked = await service.usage.track(
        {
          provider: dialect.provider,
          model,
          input_tokens: usage.input,
          output_tokens: usage.output,
          cached_input_tokens: Math.min(usage.cache_read, usage.input),
          cache_write_tokens: Math.min(usage.cache_write, Math.max(0, usage.input - usage.cache_read)),
          success: result.status === 'ok',
          latency_ms: Math.round(performance.now() - started),
          ...(result.keyLabel ? { key_label: result.keyLabel } : {}),
          ...(hold?.ticket ? { reservation: hold.ticket } : {}),
        },
        { gateway },
      );
      if (hold) guard.settle(hold, tracked.cost_usd);
    } catch (error) {
      if (hold) guard.release(hold);
      log(`gateway: recording a ${dialect.provider} request failed (${error instanceof Error ? error.name : 'error'})`);
    }
  }

  return {
    route,
    close: () => upstreams.close(),
  };
}

const upstreamCache = new Map<string, { origin: string; basePath: string }>();

/** A base URL split into the pool's origin and the path prefix requests go under. */
function upstreamOf(baseUrl: string): { origin: string; basePath: string } {
  let found = upstreamCache.get(baseUrl);
  if (!found) {
    const url = new URL(baseUrl);
    found = { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
    upstreamCache.set(baseUrl, found);
  }
  return found;
}

function unavailable(dialect: Dialect, rest: string): ErrorReply {
  return dialect.error('upstream_unavailable', `Keyway could not get an answer from ${dialect.provider}.`, undefined, rest);
}
