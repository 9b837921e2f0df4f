import { GATEWAY_PREFIX } from '../paths.js';
import {
  HTTP_STATUS,
  asRecord,
  count,
  firstCap,
  jsonReply,
  retryHeaders,
  type Dialect,
  type ErrorReply,
  type GatewayErrorKind,
  type MeteredUsage,
  type Operation,
  type RequestFacts,
  type UsageFold,
} from '../dialect.js';

const ERROR_TYPES: Record<GatewayErrorKind, [type: string, code: string | null]> = {
  unauthorized: ['invalid_request_error', 'invalid_api_key'],
  forbidden: ['invalid_request_error', 'insufficient_permissions'],
  not_found: ['invalid_request_error', 'unknown_url'],
  rate_limited: ['requests', 'rate_limit_exceeded'],
  budget: ['insufficient_quota', 'keyway_budget_exceeded'],
  too_large: ['invalid_request_error', 'request_too_large'],
  bad_request: ['invalid_request_error', null],
  upstream_unavailable: ['server_error', 'upstream_unavailable'],
};

/** OpenAI's error body (`{ error: { message, type, param, code } }`), also what Ollama's /v1 answers. */
export function openaiError(kind: GatewayErrorKind, message: string, retryAfterS?: number): ErrorReply {
  const [type, code] = ERROR_TYPES[kind];
  return jsonReply(HTTP_STATUS[kind], { error: { message, type, param: null, code } }, retryHeaders(retryAfterS));
}

export const OPENAI_OPERATIONS: Readonly<Record<string, Operation>> = {
  'POST /v1/chat/completions': { name: 'chat', metered: true },
  'POST /v1/responses': { name: 'responses', metered: true },
  'POST /v1/embeddings': { name: 'embeddings', metered: true },
  'POST /v1/completions': { name: 'completions', metered: true },
};

/** Chat completions, responses and embeddings, plus model lists (free). */
export function openaiOperation(method: string, path: string): Operation | null {
  const known = OPENAI_OPERATIONS[`${method} ${path}`];
  if (known) return known;
  if (method === 'GET' && (path === '/v1/models' || path.startsWith('/v1/models/'))) return { name: 'models', metered: false };
  return null;
}

/**
 * Request facts for OpenAI-style calls. A chat stream that did not ask for usage is sent upstream
 * with `stream_options.include_usage`, and the extra usage chunk is kept from the client.
 */
export function openaiInspect(op: Operation, body: unknown): RequestFacts {
  const json = asRecord(body);
  const model = typeof json?.model === 'string' ? json.model : null;
  const stream = json?.stream === true;
  const facts: RequestFacts = {
    model,
    format: stream ? 'sse' : 'json',
    maxOutputTokens: op.name === 'embeddings' ? 0 : firstCap(json?.max_completion_tokens, json?.max_output_tokens, json?.max_tokens),
    rewrittenBody: null,
  };
  if (json && stream && (op.name === 'chat' || op.name === 'completions')) {
    const options = asRecord(json.stream_options);
    if (options?.include_usage !== true) {
      facts.rewrittenBody = Buffer.from(JSON.stringify({ ...json, stream_options: { ...options, include_usage: true } }));
      facts.filterEvent = withoutUsage;
    }
  }
  return facts;
}

/** Drops the usage-only final chunk and the `"usage":null` every other chunk carries once include_usage is on. */
function withoutUsage(data: string): string | null {
  if (data.includes('"choices":[]') && data.includes('"usage":{')) return null;
  return data.replace(',"usage":null', '');
}

/** Chat completions (`usage.prompt_tokens`...) and responses (`usage.input_tokens`..., in response.completed when streaming). */
export const openaiFold = (op: Operation): UsageFold => (seen, value) => {
  const root = asRecord(value);
  if (!root) return seen;
  const usage = asRecord(root.usage) ?? asRecord(asRecord(root.response)?.usage);
  if (!usage) return seen;
  // The Responses API names the same counts input/output where chat completions say prompt/completion.
  const [input, output] = op.name === 'responses' ? ['input', 'output'] : ['prompt', 'completion'];
  return {
    input: count(usage[`${input}_tokens`]),
    output: count(usage[`${output}_tokens`]),
    cache_read: count(asRecord(usage[`${input}_tokens_details`])?.cached_tokens),
    cache_write: 0,
    reasoning: count(asRecord(usage[`${output}_tokens_details`])?.reasoning_tokens),
  } satisfies MeteredUsage;
};

export function openaiMayCarryUsage(event: string | undefined, data: string): boolean {
  if (event !== undefined) return event === 'response.completed' || event === 'response.incomplete' || event === 'response.failed';
  return data.includes('"usage":{');
}

/** The error event each OpenAI SDK raises on: a bare `error` object (chat) or an `error` event (responses). */
export function openaiStreamError(message: string): string {
  const error = { message, type: 'server_error', param: null, code: 'upstream_stream_cut' };
  return `\n\nevent: error\ndata: ${JSON.stringify({ type: 'error', code: error.code, message, param: null, error })}\n\n`;
}

export const openaiDialect: Dialect = {
  provider: 'openai',
  prefix: GATEWAY_PREFIX.openai,
  operation: openaiOperation,
  inspect: (op, body) => openaiInspect(op, body),
  authHeaders: (secret): Record<string, string> => (secret === undefined ? {} : { authorization: `Bearer ${secret}` }),
  mayCarryUsage: openaiMayCarryUsage,
  fold: openaiFold,
  error: openaiError,
  streamError: (_format, message) => openaiStreamError(message),
};
