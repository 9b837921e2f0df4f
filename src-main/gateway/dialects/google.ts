import { GATEWAY_PREFIX } from '../paths.js';
import { HTTP_STATUS, asRecord, count, firstCap, jsonReply, retryHeaders, type Dialect, type GatewayErrorKind, type UsageFold } from '../dialect.js';

const STATUS_NAMES: Record<GatewayErrorKind, string> = {
  unauthorized: 'UNAUTHENTICATED',
  forbidden: 'PERMISSION_DENIED',
  not_found: 'NOT_FOUND',
  rate_limited: 'RESOURCE_EXHAUSTED',
  budget: 'RESOURCE_EXHAUSTED',
  too_large: 'INVALID_ARGUMENT',
  bad_request: 'INVALID_ARGUMENT',
  upstream_unavailable: 'UNAVAILABLE',
};

/** Gemini's usageMetadata: promptTokenCount includes cachedContentTokenCount; thoughts are billed as output beside candidates. The last one wins. */
const fold: UsageFold = (seen, value) => {
  const meta = asRecord(asRecord(value)?.usageMetadata);
  if (!meta) return seen;
  const reasoning = count(meta.thoughtsTokenCount);
  return {
    input: count(meta.promptTokenCount),
    output: count(meta.candidatesTokenCount) + reasoning,
    cache_read: count(meta.cachedContentTokenCount),
    cache_write: 0,
    reasoning,
  };
};

function errorBody(kind: GatewayErrorKind, message: string): { error: { code: number; message: string; status: string } } {
  return { error: { code: HTTP_STATUS[kind], message, status: STATUS_NAMES[kind] } };
}

const CALL = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

/** Gemini API v1beta: key in `x-goog-api-key` (never the URL); generateContent, streamGenerateContent (SSE with alt=sse, else a JSON array), countTokens. */
export const googleDialect: Dialect = {
  provider: 'google',
  prefix: GATEWAY_PREFIX.google,
  operation(method, path) {
    const call = CALL.exec(path);
    if (call && method === 'POST') {
      const [, model, name = ''] = call;
      return { name, metered: name !== 'countTokens', pathModel: model };
    }
    if (method === 'GET' && (path === '/v1beta/models' || path.startsWith('/v1beta/models/'))) return { name: 'models', metered: false };
    return null;
  },
  inspect(op, body, query) {
    const json = asRecord(body);
    const streaming = op.name === 'streamGenerateContent';
    return {
      model: op.pathModel ?? null,
      format: streaming ? (query.get('alt') === 'sse' ? 'sse' : 'json-array') : 'json',
      maxOutputTokens: firstCap(asRecord(json?.generationConfig)?.maxOutputTokens),
      rewrittenBody: null,
    };
  },
  authHeaders: (secret): Record<string, string> => (secret === undefined ? {} : { 'x-goog-api-key': secret }),
  mayCarryUsage: (_event, data) => data.includes('"usageMetadata"'),
  fold: () => fold,
  error: (kind, message, retryAfterS) => jsonReply(HTTP_STATUS[kind], errorBody(kind, message), retryHeaders(retryAfterS)),
  streamError(format, message) {
    const body = JSON.stringify(errorBody('upstream_unavailable', message));
    return format === 'json-array' ? `,${body}]` : `\r\n\r\ndata: ${body}\r\n\r\n`;
  },
};
