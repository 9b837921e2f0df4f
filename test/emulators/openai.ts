import type { ServerResponse } from 'node:http';
import { chunksOf, countTokens, sendJson, startSse, type EmulatorRequest, type ProviderEmulator, type ProviderProtocol } from './emulator-server.js';

export const OPENAI_MODELS = ['gpt-4-turbo', 'gpt-4', 'gpt-3.5-turbo'];

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

interface ChatBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages?: { role: string; content: string | { type: string; text?: string }[] }[];
}

function promptText(body: ChatBody): string {
  return (body.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : m.content.map((c) => c.text ?? '').join(''))).join('');
}

/** Answers POST /v1/chat/completions in OpenAI's format (shared with Ollama's compatible endpoint). */
export function chatCompletion(req: EmulatorRequest, res: ServerResponse, emulator: ProviderEmulator, knownModels: string[]): void {
  const body = (req.json ?? {}) as ChatBody;
  if (!body.model || !Array.isArray(body.messages)) return openaiError(res, 400, 'model and messages are required', 'invalid_request_error', null);
  if (!knownModels.includes(body.model)) {
    return openaiError(res, 404, `The model \`${body.model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
  }
  const prompt_tokens = countTokens(promptText(body));
  const completion_tokens = countTokens(emulator.reply);
  const usage = { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
  const id = `chatcmpl-emulated${emulator.requests.length}`;
  const created = 1_732_000_000;
  if (!body.stream) {
    return sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: emulator.reply }, logprobs: null, finish_reason: 'stop' }],
      usage,
    });
  }
  startSse(res);
  const includeUsage = body.stream_options?.include_usage === true;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices, ...(includeUsage ? { usage: null } : {}), ...extra })}\n\n`);
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
  for (const text of chunksOf(emulator.reply)) chunk([{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }]);
  chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
  if (includeUsage) chunk([], { usage });
  res.write('data: [DONE]\n\n');
  res.end();
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  return match?.[1];
}

/** OpenAI: `Authorization: Bearer`, /v1/models and /v1/chat/completions (JSON and SSE, include_usage). */
export const openaiProtocol: ProviderProtocol = {
  fail: openaiFailures,
  handle(req, res, emulator) {
    const isModels = req.method === 'GET' && req.path === '/v1/models';
    const isChat = req.method === 'POST' && req.path === '/v1/chat/completions';
    if (!isModels && !isChat) return openaiError(res, 404, `Invalid URL (${req.method} ${req.path})`, 'invalid_request_error', null);
    const key = bearer(req.headers.authorization);
    if (key === undefined) {
      return openaiError(res, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.", 'invalid_request_error', null);
    }
    if (!emulator.accepts(key)) return openaiFailures('unauthorized', res, { retry_after_s: 0 });
    if (isModels) {
      return sendJson(res, 200, { object: 'list', data: OPENAI_MODELS.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'openai' })) });
    }
    chatCompletion(req, res, emulator, OPENAI_MODELS);
  },
};
