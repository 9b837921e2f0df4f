import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { ProviderServices } from '../core/routing/provider-services.js';
import type { ProviderId } from '../shared/providers.js';
import type { BodyFormat, Dialect, ErrorReply, MeteredUsage, Operation, RequestFacts } from './dialect.js';
import type { KeyChoice, KeySecrets } from './key-secrets.js';
import type { Upstreams } from './upstreams.js';
import type { ClientAbort } from './client-abort.js';
import { pauseSeconds } from '../core/providers/rate-limit-headers.js';
import { UsageMeter } from './usage-meter.js';

/** One provider call the gateway may make for a client request. */
export interface Target {
  dialect: Dialect;
  op: Operation;
  provider: ProviderId;
  /** Upstream origin (scheme, host, port) and path with query, e.g. /v1/chat/completions. */
  origin: string;
  path: string;
  method: string;
  /** Client headers to pass on (auth, hop-by-hop and Keyway's own already removed). */
  headers: Record<string, string | string[]>;
  body: Buffer | null;
  facts: RequestFacts;
  /** Where the client called (after the dialect prefix): errors answer in that API's shape. */
  clientPath: string;
}

/** How a forwarded call ended, for the record. */
export interface CallResult {
  status: 'ok' | 'upstream_error' | 'client_error' | 'cut' | 'client_closed' | 'unreachable';
  httpStatus: number | null;
  usage: MeteredUsage;
  keyLabel: string | null;
  ttfbMs: number | null;
}

/** A provider call that failed before anything reached the client: the caller may try elsewhere. */
export interface Unsent {
  sent: false;
  /** The last error answer (already redacted), to pass on when there is nowhere else to try. */
  reply: ErrorReply | null;
  detail: string;
  keyLabel: string | null;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'trailer', 'te', 'host', 'content-length']);
/** Error bodies are read whole (to redact and reword them) up to this size. */
const MAX_ERROR_BODY = 1024 * 1024;

export interface ForwarderDeps {
  upstreams: Upstreams;
  secrets: KeySecrets;
  providers: ProviderServices;
  log: (line: string) => void;
}

/**
 * Makes the upstream call for a target: each of the provider's keys in turn while the answer is a
 * connection failure, 401, 429 or 5xx (before any byte went to the client), then streams the
 * answer through as the provider sent it while reading its usage. Failures, retry-after and
 * latency go to the circuit breakers and health that routing uses.
 */
export class Forwarder {
  readonly #deps: ForwarderDeps;

  constructor(deps: ForwarderDeps) {
    this.#deps = deps;
  }

  /** Tries the target's keys; streams the first usable answer to `res`. */
  async call(target: Target, res: ServerResponse, started: number, abort: ClientAbort): Promise<CallResult | Unsent> {
    const keys = await this.#deps.secrets.choices(target.provider);
    if (keys.length === 0) {
      return {
        sent: false,
        reply: target.dialect.error('upstream_unavailable', `Keyway has no ${target.provider} key to send. Add one with keyway keys add ${target.provider}.`, undefined, target.clientPath),
        detail: `no ${target.provider} key`,
        keyLabel: null,
      };
    }
    let last: Unsent = { sent: false, reply: null, detail: 'not tried', keyLabel: null };
    for (const [i, key] of keys.entries()) {
      const final = i === keys.length - 1;
      const attemptStart = performance.now();
      let upstream: Dispatcher.ResponseData;
      try {
        upstream = await this.#deps.upstreams.pool(target.origin).request({
          path: target.path,
          method: target.method as Dispatcher.HttpMethod,
          headers: { ...target.headers, ...target.dialect.authHeaders(key.secret), 'accept-encoding': 'identity', ...(target.body ? { 'content-length': String(target.body.length) } : {}) },
          body: target.body ?? undefined,
          signal: abort,
        });
      } catch (error) {
        if (abort.aborted) return { status: 'client_closed', httpStatus: null, usage: noUsage(), keyLabel: key.label, ttfbMs: null };
        const detail = `${target.provider} unreachable at ${target.origin} (${errorCode(error)})`;
        this.#failure(target.provider, performance.now() - attemptStart, detail, undefined);
        last = { sent: false, reply: target.dialect.error('upstream_unavailable', `Keyway could not reach ${target.provider}: ${errorCode(error)}.`, undefined, target.clientPath), detail, keyLabel: key.label };
        continue;
      }
      const status = upstream.statusCode;
      if (status === 401 || status === 429 || status >= 500) {
        const retryAfter = pauseSeconds(upstream.headers, Date.now());
        const body = await readLimited(upstream.body);
        this.#failure(target.provider, performance.now() - attemptStart, `${target.provider} answered ${status}`, retryAfter);
        const reply =
          status === 401
            ? target.dialect.error(
                'upstream_unavailable',
                `${target.provider} rejected the key Keyway holds for it (label "${key.label ?? 'none'}"). Check it with keyway keys validate ${target.provider}, or replace it with keyway keys rotate.`,
                undefined,
                target.clientPath,
              )
            : { status, headers: responseHeaders(upstream.headers, false), body: redact(body, key) };
        last = { sent: false, reply, detail: `${target.provider} answered ${status}`, keyLabel: key.label };
        if (!final) this.#deps.log(`gateway: ${target.provider} key "${key.label ?? ''}" answered ${status}; trying the next key`);
        continue;
      }
      return this.#relay(target, upstream, key, res, started, abort);
    }
    return last;
  }

  /** Streams an answer to the client while metering it. */
  async #relay(target: Target, upstream: Dispatcher.ResponseData, key: KeyChoice, res: ServerResponse, started: number, abort: ClientAbort): Promise<CallResult> {
    const status = upstream.statusCode;
    const ok = status >= 200 && status < 300;
    if (!ok) {
      // Other 4xx: the provider refused the request itself. Pass it on (redacted), meter nothing.
      const body = redact(await readLimited(upstream.body), key);
      writeReply(res, { status, headers: responseHeaders(upstream.headers, false), body });
      return { status: 'client_error', httpStatus: status, usage: noUsage(), keyLabel: key.label, ttfbMs: performance.now() - started };
    }
    const filter = target.facts.filterEvent;
    const meter = new UsageMeter({ format: target.facts.format, fold: target.dialect.fold(target.op), mayCarryUsage: target.dialect.mayCarryUsage, filterEvent: filter });
    res.writeHead(status, responseHeaders(upstream.headers, filter !== undefined));
    let ttfb: number | null = null;
    let result: CallResult['status'] = 'ok';
    try {
      for await (const chunk of upstream.body) {
        const out = meter.push(chunk as Buffer);
        if (out.length === 0) continue;
        ttfb ??= performance.now() - started;
        if (!res.write(out)) await drained(res);
      }
      // A success can still say the provider's limit is used up (remaining 0 until a reset): routing waits for it.
      const pause = pauseSeconds(upstream.headers, Date.now());
      this.#deps.providers.health.record(target.provider, {
        status: 'up',
        latency_ms: Math.round(performance.now() - started),
        detail: pause === undefined ? 'last gateway request succeeded' : `last gateway request succeeded; its rate limit is used up for ${pause} s`,
        ...(pause !== undefined ? { retry_after_s: pause } : {}),
      });
    } catch (error) {
      if (abort.aborted || res.destroyed) result = 'client_closed';
      else {
        result = 'cut';
        this.#deps.log(`gateway: ${target.provider} answer broke mid-way (${errorCode(error)})`);
        // A stream gets an error event its SDK raises; a plain JSON body (with its length already sent) can only be cut off too.
        if (target.facts.format === 'json') res.destroy();
        else res.write(target.dialect.streamError(target.facts.format as BodyFormat, `The ${target.provider} stream was cut before it finished (${errorCode(error)}); the answer is incomplete.`));
      }
    }
    if (!res.destroyed) res.end();
    ttfb ??= performance.now() - started;
    return { status: result, httpStatus: status, usage: meter.end(), keyLabel: key.label, ttfbMs: ttfb };
  }

  #failure(provider: ProviderId, latencyMs: number, detail: string, retryAfterS: number | undefined): void {
    const { breaker, health } = this.#deps.providers;
    breaker.recordFailure(provider);
    health.record(provider, { status: 'degraded', latency_ms: Math.round(latencyMs), detail, ...(retryAfterS !== undefined ? { retry_after_s: retryAfterS } : {}) });
  }
}

export function isUnsent(value: CallResult | Unsent): value is Unsent {
  return 'sent' in value;
}

export function writeReply(res: ServerResponse, reply: ErrorReply): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = Buffer.from(reply.body);
  res.writeHead(reply.status, { ...reply.headers, 'content-length': body.length });
  res.end(body);
}

/** Client headers worth passing upstream: everything but hop-by-hop, credentials and Keyway's own. */
export function forwardableHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'authorization' || name === 'x-api-key' || name === 'x-goog-api-key') continue;
    if (name === 'accept-encoding' || name.startsWith('x-keyway-') || name === 'cookie' || name === 'origin' || name === 'referer') continue;
    out[name] = value;
  }
  return out;
}

function responseHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>, bodyChanged: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || (HOP_BY_HOP.has(name) && !(name === 'content-length' && !bodyChanged))) continue;
    out[name] = value;
  }
  return out;
}

async function readLimited(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > MAX_ERROR_BODY) break;
      chunks.push(chunk as Buffer);
    }
  } catch {
    // A broken error body: whatever arrived is enough.
  }
  if (size > MAX_ERROR_BODY) body.destroy();
  return Buffer.concat(chunks).toString('utf8');
}

/** Belt and braces: an upstream answer never carries the key to the client, whatever the provider put in it. */
function redact(text: string, key: KeyChoice): string {
  const secret = key.secret;
  return secret && secret.length >= 8 ? text.split(secret).join('[redacted]') : text;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'error';
}

function noUsage(): MeteredUsage {
  return { input: 0, output: 0, cache_read: 0, cache_write: 0, reasoning: 0 };
}
