import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { KeywayService } from '../core/service.js';
import { baseUrlFor } from '../core/providers/endpoints.js';
import type { HttpRoute } from '../http/route.js';
import { MAX_LATENCY_MS, MAX_TOKENS_PER_REQUEST, type GatewayRecordFields, type GatewayStatus } from '../shared/usage.js';
import { PROVIDER_IDS, isProviderId, type ProviderId } from '../shared/providers.js';
import { NO_USAGE, asRecord, type Dialect, type ErrorReply, type GatewayErrorKind } from './dialect.js';
import { ClientAbort } from './client-abort.js';
import { compatChatPath, compatDialect } from './dialects/compat.js';
import { dialectFor } from './dialects/index.js';
import { Forwarder, forwardableHeaders, isUnsent, writeReply, type CallResult, type Target } from './forwarder.js';
import { presentedToken, type GatewayToken, type GatewayTokenVerifier } from './gateway-token.js';
import { KeySecrets } from './key-secrets.js';
import { COMPAT_PATHS } from './paths.js';
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

/** One provider call in a request's plan, with what its record will say. */
interface PlannedCall {
  target: Target;
  model: string;
  route: string;
}

/** A model name fit for the ledger, else `unknown`. */
function safeModel(model: string | null): string {
  return model !== null && MODEL_NAME.test(model) ? model : 'unknown';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  return one?.trim() || undefined;
}

/**
 * The request path: provider-native pass-through under /openai, /anthropic, /google and /ollama,
 * and /v1/chat/completions + /v1/models (OpenAI-compatible, every provider, `provider/model` or `auto`).
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
    if (COMPAT_PATHS.includes(url.pathname)) {
      await handleCompat(url.pathname, req, res, url);
      return true;
    }
    const match = dialectFor(url.pathname);
    if (!match) return false;
    await handle(match.dialect, match.rest, req, res, url);
    return true;
  };

  /** Checks the presented gateway token; on refusal answers in `dialect`'s format and returns null. */
  async function authenticate(dialect: Dialect, rest: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<GatewayToken | null> {
    const refuse = (kind: GatewayErrorKind, message: string): null => {
      req.resume();
      writeReply(res, dialect.error(kind, message, undefined, rest));
      return null;
    };
    const presented = presentedToken(req.headers, url.searchParams);
    if (presented === undefined) {
      return refuse('unauthorized', `Keyway's gateway needs a Keyway gateway token where the SDK sends its API key. Create one with keyway tokens create --name <name>, or run the program under keyway exec.`);
    }
    const token = await deps.tokens.verify(presented);
    if (!token || token.kind !== 'gateway') {
      return refuse('unauthorized', 'This Keyway gateway token is unknown, revoked or expired. Create a new one with keyway tokens create, or run the program under keyway exec.');
    }
    return token;
  }

  function scopeRefusal(token: GatewayToken, provider: ProviderId): string | null {
    const allowed = token.scope?.providers;
    return allowed && !allowed.includes(provider) ? `The gateway token "${token.name}" may use ${allowed.join(', ')}, not ${provider}. Create a token that includes ${provider}.` : null;
  }

  async function handle(dialect: Dialect, rest: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const started = performance.now();
    const refuse = (kind: GatewayErrorKind, message: string): void => {
      req.resume();
      writeReply(res, dialect.error(kind, message, undefined, rest));
    };
    const token = await authenticate(dialect, rest, req, res, url);
    if (!token) return;
    const outOfScope = scopeRefusal(token, dialect.provider);
    if (outOfScope) return refuse('forbidden', outOfScope);
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
    await forwardAndRecord(token, [{ target, model: safeModel(facts.model), route: `${dialect.prefix.slice(1)}/${op.name}` }], body.length, res, started);
  }

  /** The OpenAI-compatible endpoint for every provider: `provider/model`, or `auto` routed by x-keyway-task. */
  async function handleCompat(path: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const started = performance.now();
    const openai = compatDialect('openai');
    const refuse = (kind: GatewayErrorKind, message: string): void => {
      req.resume();
      writeReply(res, openai.error(kind, message));
    };
    const token = await authenticate(openai, '/v1', req, res, url);
    if (!token) return;
    const config = service.config.current();
    const usable = PROVIDER_IDS.filter((p) => config.providers[p]?.enabled !== false && scopeRefusal(token, p) === null);
    if (path === '/v1/models') {
      if (req.method !== 'GET') return refuse('not_found', 'Use GET /v1/models.');
      req.resume();
      const data = [
        { id: 'auto', object: 'model', created: 0, owned_by: 'keyway' },
        ...usable.flatMap((p) => (config.providers[p]?.models ?? []).map((m) => ({ id: `${p}/${m}`, object: 'model', created: 0, owned_by: p }))),
      ];
      return writeReply(res, { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ object: 'list', data }) });
    }
    if (req.method !== 'POST') return refuse('not_found', 'Use POST /v1/chat/completions.');
    const body = await readBody(req);
    if (body === null) return refuse('too_large', `The request body is over ${MAX_REQUEST_BYTES / 1024 / 1024} MB, the most Keyway's gateway forwards.`);
    const json = asRecord(parseJsonBody(body));
    if (!json || typeof json.model !== 'string') return refuse('bad_request', 'The body must be a JSON object with model set to "provider/model" (see GET /v1/models) or "auto".');
    const task = headerValue(req.headers['x-keyway-task']) ?? 'chat';
    let plan: Array<{ provider: ProviderId; model: string }>;
    let routeName: (provider: ProviderId) => string;
    if (json.model === 'auto') {
      let routed;
      try {
        routed = service.routeRequest({ task_type: task, enable_fallback: true });
      } catch (error) {
        return refuse('upstream_unavailable', error instanceof Error ? error.message : 'No provider is available.');
      }
      const after = routed.chain.slice(routed.chain.indexOf(routed.provider) + 1);
      const rest = after.flatMap((p) => {
        const candidate = service.providers.availability.candidate(p, task, undefined);
        return service.providers.availability.check(p, candidate) === null && candidate.model ? [{ provider: p, model: candidate.model }] : [];
      });
      plan = [{ provider: routed.provider, model: routed.model ?? '' }, ...rest].filter((t) => t.model !== '' && usable.includes(t.provider));
      routeName = (p) => `v1/auto -> ${p}`;
      if (plan.length === 0) return refuse('forbidden', `Routing chose ${routed.provider}, which the token "${token.name}" may not use or has no model configured.`);
    } else {
      const slash = json.model.indexOf('/');
      const provider = json.model.slice(0, slash);
      const model = json.model.slice(slash + 1);
      if (slash < 1 || !isProviderId(provider) || model === '') {
        return refuse('bad_request', `model must be "provider/model" with provider one of ${PROVIDER_IDS.join(', ')} (see GET /v1/models), or "auto"; got "${json.model}".`);
      }
      const outOfScope = scopeRefusal(token, provider);
      if (outOfScope) return refuse('forbidden', outOfScope);
      if (!usable.includes(provider)) return refuse('forbidden', `${provider} is disabled in routing_config.json. Enable it with keyway providers set ${provider} --enable.`);
      plan = [{ provider, model }];
      routeName = () => 'v1/chat';
    }
    const headers = forwardableHeaders(req.headers);
    const planned = plan.map(({ provider, model }) => {
      const dialect = compatDialect(provider);
      const op = { name: 'chat', metered: true };
      const rewritten = Buffer.from(JSON.stringify({ ...json, model }));
      const facts = dialect.inspect(op, { ...json, model }, url.searchParams);
      const { origin, basePath } = upstreamOf(baseUrlFor(provider, config, service.providers.env));
      const target: Target = {
        dialect,
        op,
        provider,
        origin,
        path: `${basePath}${compatChatPath(provider)}`,
        method: 'POST',
        headers,
        body: facts.rewrittenBody ?? rewritten,
        facts,
        clientPath: '/v1/chat/completions',
      };
      return { target, model: safeModel(model), route: routeName(provider) };
    });
    await forwardAndRecord(token, planned, body.length, res, started);
  }

  /**
   * Holds the worst case, calls each planned target in turn until one answers (failover happens
   * only before the first byte), and records what the provider billed.
   */
  async function forwardAndRecord(token: GatewayToken, planned: PlannedCall[], bodyBytes: number, res: ServerResponse, started: number): Promise<void> {
    const abort = new ClientAbort();
    const onClose = (): void => {
      if (!res.writableFinished) abort.abort();
    };
    res.on('close', onClose);
    try {
      for (const [i, call] of planned.entries()) {
        const { target } = call;
        const final = i === planned.length - 1;
        let hold: Hold | null = null;
        if (target.op.metered) {
          const held = guard.reserve(token, { provider: target.provider, model: call.model, bodyBytes, maxOutputTokens: target.facts.maxOutputTokens });
          if (!held.granted) {
            if (!final) continue;
            writeReply(res, target.dialect.error('budget', held.message, undefined, target.clientPath));
            log(`gateway: refused ${target.provider}/${call.model} for token "${token.name}" (budget)`);
            service.accounting.recordRefusal({ provider: target.provider, model: call.model, client: token.name, token_id: token.id, project: token.scope?.project ?? null, route: call.route, latency_ms: Math.round(performance.now() - started), detail: held.message });
            return;
          }
          hold = held.hold;
        }
        let outcome;
        try {
          outcome = await forwarder.call(target, res, started, abort);
        } catch (error) {
          if (hold) guard.release(hold);
          throw error;
        }
        if (isUnsent(outcome) && !final && !abort.aborted) {
          if (hold) guard.release(hold);
          log(`gateway: ${outcome.detail}; failing over to ${planned[i + 1]!.target.provider}`);
          continue;
        }
        let result: CallResult;
        if (isUnsent(outcome)) {
          writeReply(res, outcome.reply ?? unavailable(target.dialect, target.clientPath));
          const unreachable = outcome.detail.includes('unreachable') || outcome.reply === null;
          result = { status: unreachable ? 'unreachable' : 'upstream_error', httpStatus: outcome.reply?.status ?? null, usage: { ...NO_USAGE }, keyLabel: outcome.keyLabel, ttfbMs: null };
        } else result = outcome;
        if (target.op.metered) await record(token, target.provider, call.route, call.model, result, started, hold);
        return;
      }
    } finally {
      res.off('close', onClose);
    }
  }

  async function record(token: GatewayToken, provider: ProviderId, route: string, model: string, result: CallResult, started: number, hold: Hold | null): Promise<void> {
    const usage = result.usage;
    const gateway: GatewayRecordFields = {
      client: token.name,
      token_id: token.id,
      project: token.scope?.project ?? null,
      route,
      status: result.status as GatewayStatus,
      ttfb_ms: result.ttfbMs === null ? null : Math.round(result.ttfbMs),
      reasoning_tokens: usage.reasoning,
    };
    try {
      const input = bounded(usage.input);
      const cached = Math.min(bounded(usage.cache_read), input);
      const written = Math.min(bounded(usage.cache_write), input - cached);
      const tracked = await service.usage.trackParsed(
        {
          provider,
          model,
          input_tokens: input,
          output_tokens: bounded(usage.output),
          cached_input_tokens: cached,
          cache_write_tokens: written,
          ...(usage.cache_write_1h ? { cache_write_1h_tokens: Math.min(bounded(usage.cache_write_1h), written) } : {}),
          success: result.status === 'ok',
          latency_ms: Math.min(Math.round(performance.now() - started), MAX_LATENCY_MS),
          ...(result.keyLabel ? { key_label: result.keyLabel } : {}),
        },
        { gateway, ...(hold ? { lease: hold.budget } : {}) },
      );
      if (hold) guard.settle(hold, tracked.cost_usd);
    } catch (error) {
      if (hold) guard.release(hold);
      log(`gateway: recording a ${provider} request failed (${error instanceof Error ? error.name : 'error'})`);
    }
  }

  return {
    route,
    close: () => upstreams.close(),
  };
}

/** The ledger's bound for one record's counts (the usage meter already reads whole non-negative ones). */
function bounded(tokens: number): number {
  return Math.min(tokens, MAX_TOKENS_PER_REQUEST);
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
