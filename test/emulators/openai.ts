import type { ServerResponse } from 'node:http';
import { chunksOf, countTokens, sendJson, type EmulatorRequest, type ProviderEmulator, type ProviderProtocol } from './emulator-server.js';

export const OPENAI_MODELS = ['gpt-4-turbo', 'gpt-4', 'gpt-3.5-turbo', 'gpt-4o', 'gpt-4o-mini', 'o3-mini', 'text-embedding-3-small'];

export function openaiError(res: ServerResponse, status: number, message: string, type: string, code: string | null, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}

export const openaiFailures: ProviderProtocol['fail'] = (kind, res, { retry_after_s }) => {
  switch (kind) {
    case 'unauthorized':
      return openaiError(res, 401, 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
    case 'forbidden':
      return openaiError(res, 403, 'You are not allowed to sample from this model', 'invalid_request_error', 'model_not_allowed');
    case 'rate_limited':
      return openaiError(res, 429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded', {
        'retry-after': String(retry_after_s),
        'x-ratelimit-remaining-requests': '0',
      });
    case 'server_error':
      return openaiError(res, 500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null);
  }
};

type Content = string | { type: string; text?: string }[] | null | undefined;

interface ChatBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages?: { role: string; content: Content }[];
}

const textOf = (content: Content): string => (typeof content === 'string' ? content : (content ?? []).map((c) => c.text ?? '').join(''));

function promptText(body: ChatBody): string {
  return (body.messages ?? []).map((m) => textOf(m.content)).join('');
}

/** Prompt and completion counts with the emulator's extras folded in, as OpenAI reports them (cached and reasoning are parts of the totals). */
function chatCounts(prompt: string, emulator: ProviderEmulator): { input: number; output: number; cached: number; reasoning: number } {
  const { cache_read, reasoning } = emulator.extras;
  return { input: countTokens(prompt) + cache_read, output: countTokens(emulator.reply) + reasoning, cached: cache_read, reasoning };
}

const sse = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

/** Answers POST /v1/chat/completions in OpenAI's format (shared with Ollama's compatible endpoint). */
export async function chatCompletion(req: EmulatorRequest, res: ServerResponse, emulator: ProviderEmulator, knownModels: string[]): Promise<void> {
  const body = (req.json ?? {}) as ChatBody;
  if (!body.model || !Array.isArray(body.messages)) return openaiError(res, 400, 'model and messages are required', 'invalid_request_error', null);
  if (!knownModels.includes(body.model)) {
    return openaiError(res, 404, `The model \`${body.model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
  }
  const counts = chatCounts(promptText(body), emulator);
  const usage = {
    prompt_tokens: counts.input,
    completion_tokens: counts.output,
    total_tokens: counts.input + counts.output,
    prompt_tokens_details: { cached_tokens: counts.cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: counts.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const reported = { input: counts.input, output: counts.output, cache_read: counts.cached, cache_write: 0, reasoning: counts.reasoning };
  const id = `chatcmpl-emulated${emulator.requests.length}`;
  const created = 1_732_000_000;
  if (!body.stream) {
    emulator.report(reported);
    return sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: emulator.reply, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage,
      system_fingerprint: 'fp_emulated',
    });
  }
  // With include_usage every chunk carries "usage": null and one last chunk with empty choices carries the usage.
  const includeUsage = body.stream_options?.include_usage === true;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    sse({ id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: 'fp_emulated', choices, ...(includeUsage ? { usage: null } : {}), ...extra });
  const chunks = [
    chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]),
    ...chunksOf(emulator.reply).map((text) => chunk([{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }])),
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
    ...(includeUsage ? [chunk([], { usage })] : []),
    'data: [DONE]\n\n',
  ];
  await emulator.writeStream(res, 'text/event-stream; charset=utf-8', chunks, () => {
    if (includeUsage) emulator.report(reported);
  });
}

interface ResponsesBody {
  model?: string;
  stream?: boolean;
  input?: string | { role?: string; content?: Content }[];
  instructions?: string;
}

/** POST /v1/responses: JSON, or SSE with named events ending in response.completed (usage there only). */
async function responses(req: EmulatorRequest, res: ServerResponse, emulator: ProviderEmulator): Promise<void> {
  const body = (req.json ?? {}) as ResponsesBody;
  if (!body.model || body.input === undefined) return openaiError(res, 400, "Missing required parameter: 'input'.", 'invalid_request_error', 'missing_required_parameter');
  if (!OPENAI_MODELS.includes(body.model)) {
    return openaiError(res, 400, `The requested model '${body.model}' does not exist.`, 'invalid_request_error', 'model_not_found');
  }
  const prompt = `${body.instructions ?? ''}${typeof body.input === 'string' ? body.input : body.input.map((m) => textOf(m.content)).join('')}`;
  const counts = chatCounts(prompt, emulator);
  const usage = {
    input_tokens: counts.input,
    input_tokens_details: { cached_tokens: counts.cached },
    output_tokens: counts.output,
    output_tokens_details: { reasoning_tokens: counts.reasoning },
    total_tokens: counts.input + counts.output,
  };
  const reported = { input: counts.input, output: counts.output, cache_read: counts.cached, cache_write: 0, reasoning: counts.reasoning };
  const id = `resp_emulated${emulator.requests.length}`;
  const itemId = `msg_emulated${emulator.requests.length}`;
  const base = { id, object: 'response', created_at: 1_732_000_000, model: body.model, instructions: body.instructions ?? null, error: null, incomplete_details: null };
  const message = (text: string, status: string) => ({
    type: 'message',
    id: itemId,
    status,
    role: 'assistant',
    content: text === '' && status === 'in_progress' ? [] : [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  });
  const completed = { ...base, status: 'completed', output: [message(emulator.reply, 'completed')], output_text: emulator.reply, usage };
  if (!body.stream) {
    emulator.report(reported);
    return sendJson(res, 200, completed);
  }
  let seq = 0;
  const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  const inProgress = { ...base, status: 'in_progress', output: [], usage: null };
  const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
  const chunks = [
    event('response.created', { response: inProgress }),
    event('response.in_progress', { response: inProgress }),
    event('response.output_item.added', { output_index: 0, item: message('', 'in_progress') }),
    event('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part }),
    ...chunksOf(emulator.reply).map((delta) => event('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [] })),
    event('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: emulator.reply, logprobs: [] }),
    event('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: { ...part, text: emulator.reply } }),
    event('response.output_item.done', { output_index: 0, item: message(emulator.reply, 'completed') }),
    event('response.completed', { response: completed }),
  ];
  await emulator.writeStream(res, 'text/event-stream; charset=utf-8', chunks, () => emulator.report(reported));
}

interface EmbeddingsBody {
  model?: string;
  input?: string | string[];
  encoding_format?: 'float' | 'base64';
}

/** POST /v1/embeddings; the openai SDK asks for base64 (little-endian float32) by default. */
function embeddings(req: EmulatorRequest, res: ServerResponse, emulator: ProviderEmulator): void {
  const body = (req.json ?? {}) as EmbeddingsBody;
  if (!body.model || body.input === undefined) return openaiError(res, 400, "'input' is a required property", 'invalid_request_error', null);
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const prompt_tokens = inputs.reduce((n, text) => n + countTokens(text), 0);
  const data = inputs.map((text, index) => {
    const vector = Array.from({ length: 8 }, (_, i) => Math.fround(Math.sin(countTokens(text) + i)));
    const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  emulator.report({ input: prompt_tokens, output: 0, cache_read: 0, cache_write: 0, reasoning: 0 });
  sendJson(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens, total_tokens: prompt_tokens } });
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  return match?.[1];
}

/** OpenAI: `Authorization: Bearer`; /v1/models, chat completions, responses and embeddings (JSON and SSE with usage). */
export const openaiProtocol: ProviderProtocol = {
  fail: openaiFailures,
  async handle(req, res, emulator) {
    const route = `${req.method} ${req.path}`;
    const known = ['GET /v1/models', 'POST /v1/chat/completions', 'POST /v1/responses', 'POST /v1/embeddings'];
    if (!known.includes(route)) return openaiError(res, 404, `Invalid URL (${req.method} ${req.path})`, 'invalid_request_error', null);
    const key = bearer(req.headers.authorization);
    if (key === undefined) {
      return openaiError(res, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.", 'invalid_request_error', null);
    }
    if (!emulator.accepts(key)) return openaiFailures('unauthorized', res, { retry_after_s: 0 });
    switch (route) {
      case 'GET /v1/models':
        return sendJson(res, 200, { object: 'list', data: OPENAI_MODELS.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'openai' })) });
      case 'POST /v1/responses':
        return responses(req, res, emulator);
      case 'POST /v1/embeddings':
        return embeddings(req, res, emulator);
      default:
        return chatCompletion(req, res, emulator, OPENAI_MODELS);
    }
  },
};
