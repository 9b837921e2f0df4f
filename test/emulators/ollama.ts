import type { ServerResponse } from 'node:http';
import { chunksOf, countTokens, sendJson, type ProviderEmulator, type ProviderProtocol } from './emulator-server.js';
import { chatCompletion, openaiFailures } from './openai.js';

export const OLLAMA_VERSION = '0.5.7';

/** What `ollama list` would show; tests change it (e.g. `emulators.ollama.models = [...]`). */
export interface OllamaModels {
  models: string[];
}

function ollamaError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: message }, headers);
}

interface ChatBody {
  model?: string;
  stream?: boolean;
  messages?: { role: string; content: string }[];
  prompt?: string;
  input?: string | string[];
}

/**
 * Ollama: /api/version, /api/tags, /api/chat and /api/generate (NDJSON stream by default, or one
 * object with `stream: false`; prompt_eval_count / eval_count), /api/embed, /api/embeddings, and the
 * OpenAI-compatible /v1/models and /v1/chat/completions.
 * No authentication, like a stock Ollama.
 */
export function ollamaProtocol(state: OllamaModels): ProviderProtocol {
  return {
    fail(kind, res, options) {
      if (kind === 'rate_limited') return ollamaError(res, 429, 'too many requests', { 'retry-after': String(options.retry_after_s) });
      if (kind === 'server_error') return ollamaError(res, 500, 'llama runner process has terminated: signal: killed');
      if (kind === 'unauthorized') return ollamaError(res, 401, 'unauthorized');
      return ollamaError(res, 403, 'forbidden');
    },

    handle(req, res, emulator) {
      const route = `${req.method} ${req.path}`;
      const body = (req.json ?? {}) as ChatBody;
      switch (route) {
        case 'GET /api/version':
          return sendJson(res, 200, { version: OLLAMA_VERSION });
        case 'GET /api/tags':
          return sendJson(res, 200, {
            models: state.models.map((name) => ({
              name,
              model: name,
              modified_at: '2024-11-01T10:00:00.000000000Z',
              size: 3_826_793_677,
              digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
              details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '7B', quantization_level: 'Q4_0' },
            })),
          });
        case 'GET /v1/models':
          return sendJson(res, 200, { object: 'list', data: state.models.map((id) => ({ id, object: 'model', created: 1_730_000_000, owned_by: 'library' })) });
        case 'POST /v1/chat/completions':
          if (req.json === undefined) return openaiFailures('server_error', res, { retry_after_s: 0 });
          return chatCompletion(req, res, emulator, state.models);
        case 'POST /api/embeddings': {
          if (!isInstalled(body.model, state.models)) return ollamaError(res, 404, `model "${body.model ?? ''}" not found, try pulling it first`);
          const seed = countTokens(body.prompt ?? '');
          return sendJson(res, 200, { embedding: Array.from({ length: 8 }, (_, i) => Number(Math.sin(seed + i).toFixed(6))) });
        }
        case 'POST /api/chat':
        case 'POST /api/generate':
          return generate(route === 'POST /api/chat' ? 'chat' : 'generate', body, res, emulator, state.models);
        case 'POST /api/embed': {
          if (!isInstalled(body.model, state.models)) return ollamaError(res, 404, `model "${body.model ?? ''}" not found, try pulling it first`);
          const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
          const prompt_eval_count = inputs.reduce((n, text) => n + countTokens(text), 0);
          emulator.report({ input: prompt_eval_count, output: 0, cache_read: 0, cache_write: 0, reasoning: 0 });
          const embeddings = inputs.map((text) => Array.from({ length: 8 }, (_, i) => Number(Math.sin(countTokens(text) + i).toFixed(6))));
          return sendJson(res, 200, { model: body.model, embeddings, total_duration: 14_143_917, load_duration: 1_019_500, prompt_eval_count });
        }
        default:
          return ollamaError(res, 404, '404 page not found');
      }
    },
  };
}

/** Ollama resolves a name without a tag to its `:latest` tag (`llama3.2` is `llama3.2:latest`). */
function isInstalled(model: string | undefined, models: string[]): boolean {
  return model !== undefined && model !== '' && (models.includes(model) || (!model.includes(':') && models.includes(`${model}:latest`)));
}

/** /api/chat and /api/generate: NDJSON by default, one object with `stream: false`; counts in the final (done) object. */
async function generate(kind: 'chat' | 'generate', body: ChatBody, res: ServerResponse, emulator: ProviderEmulator, models: string[]): Promise<void> {
  if (!isInstalled(body.model, models)) return ollamaError(res, 404, `model "${body.model ?? ''}" not found, try pulling it first`);
  const reply = emulator.reply;
  const created_at = '2024-11-28T12:00:00.000000Z';
  const prompt = kind === 'chat' ? (body.messages ?? []).map((m) => m.content).join('') : (body.prompt ?? '');
  const prompt_eval_count = countTokens(prompt);
  const eval_count = countTokens(reply);
  const piece = (content: string) => (kind === 'chat' ? { message: { role: 'assistant', content } } : { response: content });
  const final = {
    model: body.model,
    created_at,
    ...piece(''),
    done_reason: 'stop',
    done: true,
    ...(kind === 'generate' ? { context: [1, 2, 3] } : {}),
    total_duration: 5_000_000,
    load_duration: 1_000_000,
    prompt_eval_count,
    prompt_eval_duration: 1_000_000,
    eval_count,
    eval_duration: 3_000_000,
  };
  const reported = { input: prompt_eval_count, output: eval_count, cache_read: 0, cache_write: 0, reasoning: 0 };
  if (body.stream === false) {
    emulator.report(reported);
    return sendJson(res, 200, { ...final, ...piece(reply) });
  }
  const lines = chunksOf(reply).map((content) => `${JSON.stringify({ model: body.model, created_at, ...piece(content), done: false })}\n`);
  lines.push(`${JSON.stringify(final)}\n`);
  await emulator.writeStream(res, 'application/x-ndjson', lines, () => emulator.report(reported));
}
