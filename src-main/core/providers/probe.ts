import type { ValidationOutcome } from '../../shared/validation.js';
import { pauseSeconds } from './rate-limit-headers.js';

export interface ProbeRequest {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface ProbeResult {
  outcome: Extract<ValidationOutcome, 'valid' | 'invalid' | 'rate_limited' | 'unreachable' | 'timeout' | 'error'>;
  http_status: number | null;
  latency_ms: number;
  /** Seconds from a 429's retry-after header. */
  retry_after_s: number | null;
  /** The parsed JSON body of a 2xx answer (e.g. Ollama's model list). */
  body: unknown;
  detail: string;
}

/**
 * One authenticated GET, classified. The caller builds the request (secret in a header, never the
 * URL); nothing from the request is echoed into `detail`, and response text is never copied
 * verbatim, so no secret can leak through it.
 */
export async function probe(request: ProbeRequest, isInvalidKey: (status: number, body: unknown) => boolean = () => false): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let response: Response;
  try {
    response = await fetch(request.url, { headers: request.headers, signal: AbortSignal.timeout(request.timeoutMs), redirect: 'error' });
  } catch (error) {
    const latency_ms = elapsed();
    if (isTimeout(error)) {
      return { outcome: 'timeout', http_status: null, latency_ms, retry_after_s: null, body: undefined, detail: `no answer within ${request.timeoutMs} ms` };
    }
    return { outcome: 'unreachable', http_status: null, latency_ms, retry_after_s: null, body: undefined, detail: `cannot connect to ${originOf(request.url)} (${networkReason(error)})` };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const latency_ms = elapsed();
  const status = response.status;
  const base = { http_status: status, latency_ms, retry_after_s: null, body };
  if (response.ok) return { ...base, outcome: 'valid', detail: `HTTP ${status} in ${latency_ms} ms` };
  if (status === 401 || status === 403 || isInvalidKey(status, body)) {
    return { ...base, outcome: 'invalid', detail: `HTTP ${status}: the provider rejected the key; replace it (keyway keys rotate)` };
  }
  if (status === 429) {
    const retry_after_s = pauseSeconds(Object.fromEntries(response.headers), Date.now()) || null;
    return { ...base, retry_after_s, outcome: 'rate_limited', detail: `HTTP 429: the key works but is rate limited${retry_after_s ? `; retry after ${retry_after_s} s` : ''}` };
  }
  return { ...base, outcome: 'error', detail: `HTTP ${status}: ${errorAdvice(status, request.url)}` };
}

function errorAdvice(status: number, url: string): string {
  if (status >= 500) return 'the provider is having trouble; try again later';
  if (status === 404 || status === 405) return `nothing answers at ${pathOf(url)} there; check base_url`;
  return 'unexpected answer';
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return 'that address';
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  // Redirects are refused so a key header never follows one to another host.
  if (code === undefined && cause?.message === 'unexpected redirect') return 'it answered with a redirect; set base_url to the address it redirects to';
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused; is it running?';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found; check base_url or your network';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection closed by the server';
    default:
      return code ?? 'network error';
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the provider';
  }
}
