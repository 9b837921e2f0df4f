import type { ServerResponse } from 'node:http';
import { chunksOf, countTokens, sendJson, type ProviderProtocol } from './emulator-server.js';
import { chatCompletion } from './openai.js';

export const GOOGLE_MODELS = ['gemini-pro', 'gemini-1.5-flash', 'gemini-1.5-pro'];

function error(res: ServerResponse, code: number, status: string, message: string, details: unknown[] = [], headers: Record<string, string> = {}): void {
  sendJson(res, code, { error: { code, message, status, details } }, headers);
}

/** The real API answers a wrong key with 400 INVALID_ARGUMENT and reason API_KEY_INVALID. */
function invalidKey(res: ServerResponse): void {
  error(res, 400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
    { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
  ]);
}

interface GenerateBody {
  contents?: { role?: string; parts?: { text?: string }[] }[];
}

/**
 * Gemini API (v1beta): key in `x-goog-api-key` (the real API also takes `?key=`; the emulator
 * accepts it too so a test can prove Keyway never uses it). models list, generateContent and
 * streamGenerateContent (JSON array, or SSE with `alt=sse`) with usageMetadata (cached and thoughts
 * tokens from the emulator's extras), countTokens.
 */
export const googleProtocol: ProviderProtocol = {
  fail(kind, res, { retry_after_s }) {
    switch (kind) {
      case 'unauthorized':
        return error(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
      case 'forbidden':
        return error(res, 403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.');
      case 'rate_limited':
        return error(res, 429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [], { 'retry-after': String(retry_after_s) });
      case 'server_error':
        return error(res, 500, 'INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting');
    }
  },

  async handle(req, res, emulator) {
    if (req.method === 'POST' && req.path === '/v1beta/openai/chat/completions') {
      // Gemini's OpenAI compatibility: the key as a bearer token, OpenAI's shapes.
      if (!emulator.accepts(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1])) return invalidKey(res);
      return chatCompletion(req, res, emulator, GOOGLE_MODELS);
    }
    const key = req.headers['x-goog-api-key'] ?? req.query.key;
    const call = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/.exec(req.path);
    const isModels = req.method === 'GET' && req.path === '/v1beta/models';
    if (!isModels && !(call && req.method === 'POST')) return error(res, 404, 'NOT_FOUND', `Requested entity was not found.`);
    if (key === undefined) return this.fail('forbidden', res, { retry_after_s: 0 });
    if (!emulator.accepts(key)) return invalidKey(res);
    if (isModels) {
      return sendJson(res, 200, {
        models: GOOGLE_MODELS.map((id) => ({
          name: `models/${id}`,
          version: '001',
          displayName: id,
          inputTokenLimit: 30720,
          outputTokenLimit: 2048,
          supportedGenerationMethods: ['generateContent', 'countTokens'],
        })),
      });
    }
    const [, model = '', method] = call ?? [];
    if (!GOOGLE_MODELS.includes(model)) return error(res, 404, 'NOT_FOUND', `models/${model} is not found for API version v1beta, or is not supported for generateContent.`);
    const body = (req.json ?? {}) as GenerateBody;
    const prompt = (body.contents ?? []).flatMap((c) => c.parts ?? []).map((p) => p.text ?? '').join('');
    if (method === 'countTokens') return sendJson(res, 200, { totalTokens: countTokens(prompt) });
    // promptTokenCount includes cachedContentTokenCount; thoughtsTokenCount is billed as output beside candidatesTokenCount.
    const { cache_read, reasoning } = emulator.extras;
    const promptTokenCount = countTokens(prompt) + cache_read;
    const candidatesTokenCount = countTokens(emulator.reply);
    const usageMetadata = (candidates: number, final: boolean) => ({
      promptTokenCount,
      candidatesTokenCount: candidates,
      totalTokenCount: promptTokenCount + candidates + (final ? reasoning : 0),
      ...(cache_read > 0 ? { cachedContentTokenCount: cache_read } : {}),
      ...(final && reasoning > 0 ? { thoughtsTokenCount: reasoning } : {}),
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokenCount }],
    });
    const response = (text: string, final: boolean, soFar: number) => ({
      candidates: [{ content: { parts: [{ text }], role: 'model' }, ...(final ? { finishReason: 'STOP' } : {}), index: 0 }],
      usageMetadata: usageMetadata(soFar, final),
      modelVersion: model,
      responseId: `emulated${emulator.requests.length}`,
    });
    const reported = { input: promptTokenCount, output: candidatesTokenCount + reasoning, cache_read, cache_write: 0, reasoning };
    if (method === 'generateContent') {
      emulator.report(reported);
      return sendJson(res, 200, response(emulator.reply, true, candidatesTokenCount));
    }
    const pieces = chunksOf(emulator.reply, 16);
    const parts = pieces.map((text, i) => {
      const final = i === pieces.length - 1;
      return response(text, final, final ? candidatesTokenCount : countTokens(pieces.slice(0, i + 1).join('')));
    });
    if (req.query.alt === 'sse') {
      await emulator.writeStream(res, 'text/event-stream', parts.map((part) => `data: ${JSON.stringify(part)}\r\n\r\n`), () => emulator.report(reported));
      return;
    }
    // Without alt=sse the stream is one JSON array written element by element.
    const chunks = parts.map((part, i) => `${i === 0 ? '[' : ',\r\n'}${JSON.stringify(part)}`);
    chunks.push(']');
    await emulator.writeStream(res, 'application/json; charset=UTF-8', chunks, () => emulator.report(reported));
  },
};
