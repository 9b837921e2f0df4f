import { GATEWAY_PREFIX } from '../paths.js';
import { asRecord, count, firstCap, jsonReply, HTTP_STATUS, retryHeaders, type Dialect, type UsageFold } from '../dialect.js';
import { openaiError, openaiFold, openaiInspect, openaiMayCarryUsage, openaiOperation, openaiStreamError } from './openai.js';

/** Ollama's native counts, in the final (`done`) object of /api/chat and /api/generate, and in /api/embed. */
const nativeFold: UsageFold = (seen, value) => {
  const root = asRecord(value);
  if (!root || (root.prompt_eval_count === undefined && root.eval_count === undefined)) return seen;
  return { input: count(root.prompt_eval_count), output: count(root.eval_count), cache_read: 0, cache_write: 0, reasoning: 0 };
};

const isCompat = (path: string): boolean => path.startsWith('/v1/');

/**
 * Ollama: the native /api (chat and generate stream NDJSON unless `stream: false`; embed, embeddings;
 * tags, version, show, ps are free) and its OpenAI-compatible /v1, which meters like OpenAI. Ollama
 * itself takes no key; a `local` key in the vault (Ollama behind a proxy, or its cloud) goes as a bearer token.
 */
export const ollamaDialect: Dialect = {
  provider: 'local',
  prefix: GATEWAY_PREFIX.local,
  operation(method, path) {
    if (isCompat(path)) {
      const op = openaiOperation(method, path);
      return op && { ...op, name: `v1/${op.name}` };
    }
    if (method === 'POST' && (path === '/api/chat' || path === '/api/generate')) return { name: path.slice(5), metered: true };
    if (method === 'POST' && (path === '/api/embed' || path === '/api/embeddings')) return { name: path.slice(5), metered: true };
    if (method === 'POST' && path === '/api/show') return { name: 'show', metered: false };
    if (method === 'GET' && ['/api/tags', '/api/version', '/api/ps'].includes(path)) return { name: path.slice(5), metered: false };
    return null;
  },
  inspect(op, body) {
    if (op.name.startsWith('v1/')) return openaiInspect({ ...op, name: op.name.slice(3) }, body);
    const json = asRecord(body);
    const streams = op.name === 'chat' || op.name === 'generate';
    return {
      model: typeof json?.model === 'string' ? json.model : null,
      format: streams && json?.stream !== false ? 'ndjson' : 'json',
      maxOutputTokens: streams ? firstCap(asRecord(json?.options)?.num_predict) : 0,
      rewrittenBody: null,
    };
  },
  authHeaders: (secret): Record<string, string> => (secret === undefined ? {} : { authorization: `Bearer ${secret}` }),
  mayCarryUsage: (event, data) => (data.startsWith('{') && !data.includes('"object"') ? data.includes('"done":true') || data.includes('"prompt_eval_count"') : openaiMayCarryUsage(event, data)),
  fold: (op) => (op.name.startsWith('v1/') ? openaiFold({ ...op, name: op.name.slice(3) }) : nativeFold),
  error(kind, message, retryAfterS, path) {
    // Ollama's own errors are `{ "error": "text" }`; its /v1 answers in OpenAI's shape.
    if (path !== undefined && isCompat(path)) return openaiError(kind, message, retryAfterS);
    return jsonReply(HTTP_STATUS[kind], { error: message }, retryHeaders(retryAfterS));
  },
  streamError: (format, message) => (format === 'sse' ? openaiStreamError(message) : `\n${JSON.stringify({ error: message })}\n`),
};

