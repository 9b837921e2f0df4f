import { GATEWAY_PREFIX } from '../paths.js';
import { HTTP_STATUS, asRecord, count, firstCap, jsonReply, retryHeaders, type Dialect, type GatewayErrorKind, type UsageFold } from '../dialect.js';

const ERROR_TYPES: Record<GatewayErrorKind, string> = {
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  not_found: 'not_found_error',
  rate_limited: 'rate_limit_error',
  budget: 'rate_limit_error',
  too_large: 'request_too_large',
  bad_request: 'invalid_request_error',
  upstream_unavailable: 'api_error',
};

/**
 * Anthropic's usage: `input_tokens` excludes cache reads and writes, which come beside it; stream
 * events carry it in message_start (`message.usage`) and message_delta (`usage`, cumulative), so
 * later fields replace earlier ones.
 */
const fold: UsageFold = (seen, value) => {
  const root = asRecord(value);
  const usage = asRecord(root?.usage) ?? asRecord(asRecord(root?.message)?.usage);
  if (!usage) return seen;
  const pick = (field: string, previous: number) => (usage[field] === undefined || usage[field] === null ? previous : count(usage[field]));
  const plain = pick('input_tokens', seen.input - seen.cache_read - seen.cache_write);
  const cache_read = pick('cache_read_input_tokens', seen.cache_read);
  const cache_write = pick('cache_creation_input_tokens', seen.cache_write);
  const split = asRecord(usage.cache_creation);
  const cache_write_1h = split ? Math.min(count(split.ephemeral_1h_input_tokens), cache_write) : (seen.cache_write_1h ?? 0);
  return { input: plain + cache_read + cache_write, output: pick('output_tokens', seen.output), cache_read, cache_write, cache_write_1h, reasoning: 0 };
};

/** Anthropic Messages API: `x-api-key` + `anthropic-version`; messages (JSON or SSE), count_tokens and model lists are free. */
export const anthropicDialect: Dialect = {
  provider: 'anthropic',
  prefix: GATEWAY_PREFIX.anthropic,
  operation(method, path) {
    if (method === 'POST' && path === '/v1/messages') return { name: 'messages', metered: true };
    if (method === 'POST' && path === '/v1/messages/count_tokens') return { name: 'count_tokens', metered: false };
    if (method === 'GET' && (path === '/v1/models' || path.startsWith('/v1/models/'))) return { name: 'models', metered: false };
    return null;
  },
  inspect(_op, body) {
    const json = asRecord(body);
    return {
      model: typeof json?.model === 'string' ? json.model : null,
      format: json?.stream === true ? 'sse' : 'json',
      maxOutputTokens: firstCap(json?.max_tokens),
      rewrittenBody: null,
    };
  },
  authHeaders: (secret): Record<string, string> => (secret === undefined ? {} : { 'x-api-key': secret }),
  mayCarryUsage: (event) => event === 'message_start' || event === 'message_delta',
  fold: () => fold,
  error: (kind, message, retryAfterS) => jsonReply(HTTP_STATUS[kind], { type: 'error', error: { type: ERROR_TYPES[kind], message } }, retryHeaders(retryAfterS)),
  streamError: (_format, message) => `\n\nevent: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`,
};
