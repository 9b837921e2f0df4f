import type { OutgoingHttpHeaders } from 'node:http';
import type { ProviderId } from '../shared/providers.js';

/** Tokens as the provider billed them, in Keyway's terms: `input` includes cache reads and writes, `output` includes reasoning. */
export interface MeteredUsage {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  /** The part of cache_write held for an hour (Anthropic bills it at a higher rate). */
  cache_write_1h?: number;
  reasoning: number;
}

export const NO_USAGE: MeteredUsage = { input: 0, output: 0, cache_read: 0, cache_write: 0, reasoning: 0 };

/** How a response body is framed, so usage can be read from it while it passes through. */
export type BodyFormat = 'json' | 'sse' | 'ndjson' | 'json-array';

/** One provider API call the gateway forwards: what it is and whether it costs money. */
export interface Operation {
  /** A short name for records and logs: chat, responses, embeddings, messages, generate, ... */
  name: string;
  /** Billed calls are reserved, metered and recorded; free ones (model lists, token counts) are only forwarded. */
  metered: boolean;
  /** The model named in the path (Gemini), if any. */
  pathModel?: string;
}

/** What the gateway learns from a request before forwarding it. */
export interface RequestFacts {
  model: string | null;
  /** How the response body will be framed. */
  format: BodyFormat;
  /** The request's own output cap (max_tokens and its relatives), if it set one. */
  maxOutputTokens: number | null;
  /** A changed body to send instead (OpenAI chat streams ask for usage); null sends the client's bytes. */
  rewrittenBody: Buffer | null;
  /** With a rewritten body: drops events the client did not ask for (the extra usage chunk). */
  filterEvent?: (data: string) => string | null;
}

/** A refusal or failure worded in the provider's own error format. */
export interface ErrorReply {
  status: number;
  headers: OutgoingHttpHeaders;
  body: string;
}

export type GatewayErrorKind = 'unauthorized' | 'forbidden' | 'not_found' | 'rate_limited' | 'budget' | 'too_large' | 'bad_request' | 'upstream_unavailable';

/** Folds the usage fields of one parsed event (or a whole JSON body) into what was seen so far. */
export type UsageFold = (seen: MeteredUsage, value: unknown, event: string | undefined) => MeteredUsage;

/**
 * One provider's wire format as the gateway needs it: which calls it forwards, where the key goes,
 * how requests announce model and output cap, where usage lives, and how errors look.
 */
export interface Dialect {
  provider: ProviderId;
  /** The gateway's path prefix: '/openai', '/anthropic', '/google', '/ollama'. */
  prefix: string;
  /** The call at `path` (the part after the prefix), or null when the gateway does not forward it. */
  operation(method: string, path: string): Operation | null;
  /** Facts from the parsed JSON body (undefined when there is none). */
  inspect(op: Operation, body: unknown, query: URLSearchParams): RequestFacts;
  /** Headers that carry the real key upstream; {} when the provider needs none (Ollama). */
  authHeaders(secret: string | undefined): Record<string, string>;
  /** Cheap pre-check: may this SSE event / line carry usage? (saves a JSON.parse per delta). */
  mayCarryUsage(event: string | undefined, data: string): boolean;
  fold: (op: Operation) => UsageFold;
  /** `path` (after the prefix) lets a dialect answer in the shape of the API the client called (Ollama's /v1 is OpenAI's). */
  error(kind: GatewayErrorKind, message: string, retryAfterS?: number, path?: string): ErrorReply;
  /** What to write into a stream the upstream cut, so the client's SDK raises an error. */
  streamError(format: BodyFormat, message: string): string;
}

/** A non-negative whole number from an untyped usage field, else 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A positive integer output cap from the first of `values` that is one. */
export function firstCap(...values: unknown[]): number | null {
  for (const v of values) if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  return null;
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): ErrorReply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function retryHeaders(retryAfterS: number | undefined): Record<string, string> {
  return retryAfterS === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(retryAfterS))) };
}

export const HTTP_STATUS: Record<GatewayErrorKind, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
  budget: 429,
  too_large: 413,
  bad_request: 400,
  upstream_unavailable: 502,
};
