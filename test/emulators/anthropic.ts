import type { ServerResponse } from 'node:http';
import { chatCompletion } from './openai.js';
import { chunksOf, countTokens, sendJson, type EmulatorRequest, type ProviderEmulator, type ProviderProtocol } from './emulator-server.js';

export const ANTHROPIC_MODELS = ['claude-3-5-sonnet-20241022', 'claude-3-opus-20240229', 'claude-3-haiku-20240307'];

function error(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { type: 'error', error: { type, message } }, { 'request-id': 'req_emulated', ...headers });
}

interface MessagesBody {
  model?: string;
  max_tokens?: number;
  stream?: boolean;
  system?: string;
  messages?: { role: string; content: string | { type: string; text?: string }[] }[];
}

function promptText(body: MessagesBody): string {
  const parts = (body.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : m.content.map((c) => c.text ?? '').join('')));
  return `${body.system ?? ''}${parts.join('')}`;
}

/** Anthropic's Messages API: `x-api-key` + `anthropic-version`; messages (JSON and SSE with usage incl. cache reads/writes), count_tokens, models. */
export const anthropicProtocol: ProviderProtocol = {
  fail(kind, res, { retry_after_s }) {
    switch (kind) {
      case 'unauthorized':
        return error(res, 401, 'authentication_error', 'invalid x-api-key');
      case 'forbidden':
        return error(res, 403, 'permission_error', 'Your API key does not have permission to use the specified resource.');
      case 'rate_limited':
        return error(res, 429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.', { 'retry-after': String(retry_after_s) });
      case 'server_error':
        return error(res, 500, 'api_error', 'Internal server error');
    }
  },

  async handle(req: EmulatorRequest, res: ServerResponse, emulator: ProviderEmulator) {
    const route = `${req.method} ${req.path}`;
    if (route === 'POST /v1/chat/completions') {
      // Anthropic's OpenAI SDK compatibility layer: the key as a bearer token, OpenAI's shapes.
      if (!emulator.accepts(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1])) return error(res, 401, 'authentication_error', 'invalid x-api-key');
      return chatCompletion(req, res, emulator, ANTHROPIC_MODELS);
    }
    const known = ['GET /v1/models', 'POST /v1/messages', 'POST /v1/messages/count_tokens'];
    if (!known.includes(route)) return error(res, 404, 'not_found_error', `Not found: ${req.method} ${req.path}`);
    if (!emulator.accepts(req.headers['x-api-key'])) return error(res, 401, 'authentication_error', 'invalid x-api-key');
    if (!req.headers['anthropic-version']) return error(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
    if (route === 'GET /v1/models') {
      const data = ANTHROPIC_MODELS.map((id) => ({ type: 'model', id, display_name: id, created_at: '2024-10-22T00:00:00Z' }));
      return sendJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
    }
    const body = (req.json ?? {}) as MessagesBody;
    if (route === 'POST /v1/messages/count_tokens') {
      if (!body.model || !Array.isArray(body.messages)) return error(res, 400, 'invalid_request_error', 'model and messages are required');
      return sendJson(res, 200, { input_tokens: countTokens(promptText(body)) });
    }
    if (!body.model || !Array.isArray(body.messages) || typeof body.max_tokens !== 'number') {
      return error(res, 400, 'invalid_request_error', 'model, messages and max_tokens are required');
    }
    // input_tokens excludes cache reads and writes, which Anthropic reports (and bills) separately; thinking is part of output_tokens.
    const { cache_read, cache_write, reasoning } = emulator.extras;
    const cache_write_1h = Math.min(emulator.extras.cache_write_1h ?? 0, cache_write);
    const inputTokens = countTokens(promptText(body));
    const outputTokens = countTokens(emulator.reply) + reasoning;
    const usage = {
      input_tokens: inputTokens,
      cache_creation_input_tokens: cache_write,
      cache_read_input_tokens: cache_read,
      cache_creation: { ephemeral_5m_input_tokens: cache_write - cache_write_1h, ephemeral_1h_input_tokens: cache_write_1h },
      output_tokens: outputTokens,
    };
    const reported = { input: inputTokens + cache_read + cache_write, output: outputTokens, cache_read, cache_write, cache_write_1h, reasoning };
    const id = `msg_emulated_${emulator.requests.length}`;
    if (!body.stream) {
      emulator.report(reported);
      return sendJson(res, 200, {
        id,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [{ type: 'text', text: emulator.reply }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { ...usage, service_tier: 'standard' },
      }, { 'request-id': 'req_emulated' });
    }
    const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    const chunks = [
      event('message_start', {
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
      }),
      event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      event('ping', { type: 'ping' }),
      ...chunksOf(emulator.reply).map((text) => event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
      event('content_block_stop', { type: 'content_block_stop', index: 0 }),
      event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: outputTokens } }),
      event('message_stop', { type: 'message_stop' }),
    ];
    await emulator.writeStream(res, 'text/event-stream; charset=utf-8', chunks, () => emulator.report(reported));
  },
};
