import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from './index.js';

let emu: Emulators;
beforeAll(async () => {
  emu = await startEmulators();
});
afterAll(() => emu.stop());

async function sse(res: Response): Promise<unknown[]> {
  const text = await res.text();
  return text
    .split(/\r?\n/)
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)) as unknown);
}

describe('provider emulators', () => {
  it('anthropic lists models only with a known x-api-key and anthropic-version', async () => {
    const ok = await fetch(`${emu.anthropic.baseUrl}/v1/models`, { headers: { 'x-api-key': emu.anthropic.key, 'anthropic-version': '2023-06-01' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
    const bad = await fetch(`${emu.anthropic.baseUrl}/v1/models`, { headers: { 'x-api-key': 'sk-ant-wrong', 'anthropic-version': '2023-06-01' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
  });

  it('anthropic streams messages with usage in message_start and message_delta', async () => {
    const res = await fetch(`${emu.anthropic.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': emu.anthropic.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-3-5-sonnet-20241022', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hello there' }] }),
    });
    const events = (await sse(res)) as { type: string; usage?: { output_tokens: number }; delta?: { text?: string }; message?: { usage: { input_tokens: number } } }[];
    expect(events[0]?.message?.usage.input_tokens).toBeGreaterThan(0);
    expect(events.find((e) => e.type === 'message_delta')?.usage?.output_tokens).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta?.text).join('')).toBe(emu.anthropic.reply);
  });

  it('openai streams chat completions with a usage chunk when include_usage is set', async () => {
    const res = await fetch(`${emu.openai.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.openai.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4-turbo', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const chunks = (await sse(res)) as { choices: unknown[]; usage?: { total_tokens: number } | null }[];
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('google answers a wrong key with 400 API_KEY_INVALID and generateContent with usageMetadata', async () => {
    const bad = await fetch(`${emu.google.baseUrl}/v1beta/models`, { headers: { 'x-goog-api-key': 'nope-nope-nope-nope-nope' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('API_KEY_INVALID');
    const res = await fetch(`${emu.google.baseUrl}/v1beta/models/gemini-pro:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': emu.google.key, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    const body = (await res.json()) as { usageMetadata: { totalTokenCount: number } };
    expect(body.usageMetadata.totalTokenCount).toBeGreaterThan(0);
    const stream = await fetch(`${emu.google.baseUrl}/v1beta/models/gemini-pro:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'x-goog-api-key': emu.google.key },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }),
    });
    const parts = (await sse(stream)) as { usageMetadata: { candidatesTokenCount: number } }[];
    expect(parts.length).toBeGreaterThan(0);
  });

  it('ollama serves version, tags, NDJSON chat, embeddings and the OpenAI-compatible models list', async () => {
    expect(await (await fetch(`${emu.ollama.baseUrl}/api/version`)).json()).toEqual({ version: '0.5.7' });
    const tags = (await (await fetch(`${emu.ollama.baseUrl}/api/tags`)).json()) as { models: { name: string }[] };
    expect(tags.models.map((m) => m.name)).toEqual(emu.ollama.models);
    const chat = await fetch(`${emu.ollama.baseUrl}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2:latest', messages: [{ role: 'user', content: 'hi' }] }) });
    const lines = (await chat.text()).trim().split('\n').map((l) => JSON.parse(l) as { done: boolean; eval_count?: number });
    expect(lines.at(-1)).toMatchObject({ done: true });
    expect(lines.at(-1)?.eval_count).toBeGreaterThan(0);
    const emb = await fetch(`${emu.ollama.baseUrl}/api/embeddings`, { method: 'POST', body: JSON.stringify({ model: 'nomic-embed-text:latest', prompt: 'x' }) });
    expect(((await emb.json()) as { embedding: number[] }).embedding).toHaveLength(8);
    const untagged = await fetch(`${emu.ollama.baseUrl}/api/embeddings`, { method: 'POST', body: JSON.stringify({ model: 'nomic-embed-text', prompt: 'x' }) });
    expect(untagged.status).toBe(200);
    const missing = await fetch(`${emu.ollama.baseUrl}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'mistral', messages: [] }) });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'model "mistral" not found, try pulling it first' });
    const v1 = (await (await fetch(`${emu.ollama.baseUrl}/v1/models`)).json()) as { data: { id: string }[] };
    expect(v1.data.map((m) => m.id)).toEqual(emu.ollama.models);
  });

  it.each([
    ['unauthorized', 401],
    ['forbidden', 403],
    ['rate_limited', 429],
    ['server_error', 500],
  ] as const)('answers %s with HTTP %i in every provider format', async (mode, status) => {
    for (const e of [emu.anthropic, emu.openai, emu.google, emu.ollama]) {
      await e.set(mode, { retry_after_s: 3 });
      const res = await fetch(`${e.baseUrl}/v1/models`);
      expect(res.status).toBe(status);
      if (status === 429) expect(res.headers.get('retry-after')).toBe('3');
      await e.set('ok');
    }
  });

  it('goes down (connection refused) and comes back on the same port', async () => {
    const url = `${emu.ollama.baseUrl}/api/version`;
    await emu.ollama.set('down');
    await expect(fetch(url)).rejects.toThrow();
    await emu.ollama.set('ok');
    expect((await fetch(url)).status).toBe(200);
  });

  it('hangs without answering until the caller gives up', async () => {
    await emu.openai.set('hang');
    await expect(fetch(`${emu.openai.baseUrl}/v1/models`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    await emu.openai.set('ok');
  });

  it('openai reports cached and reasoning tokens in chat, responses (SSE, usage in response.completed) and embeddings', async () => {
    emu.openai.extras = { cache_read: 40, cache_write: 0, reasoning: 12 };
    const headers = { authorization: `Bearer ${emu.openai.key}`, 'content-type': 'application/json' };
    const chat = await fetch(`${emu.openai.baseUrl}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }) });
    const usage = ((await chat.json()) as { usage: { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number }; completion_tokens_details: { reasoning_tokens: number } } }).usage;
    expect(usage.prompt_tokens_details.cached_tokens).toBe(40);
    expect(usage.completion_tokens_details.reasoning_tokens).toBe(12);
    expect(emu.openai.lastUsage).toMatchObject({ input: usage.prompt_tokens, cache_read: 40, reasoning: 12 });
    const res = await fetch(`${emu.openai.baseUrl}/v1/responses`, { method: 'POST', headers, body: JSON.stringify({ model: 'gpt-4o', input: 'hello', stream: true }) });
    const events = (await sse(res)) as { type: string; response?: { usage: { input_tokens_details: { cached_tokens: number } } | null } }[];
    expect(events[0]?.type).toBe('response.created');
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(events.at(-1)?.response?.usage?.input_tokens_details.cached_tokens).toBe(40);
    const emb = await fetch(`${emu.openai.baseUrl}/v1/embeddings`, { method: 'POST', headers, body: JSON.stringify({ model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'base64' }) });
    const embBody = (await emb.json()) as { data: { embedding: string }[]; usage: { prompt_tokens: number } };
    expect(Buffer.from(embBody.data[0]!.embedding, 'base64').length).toBe(32);
    expect(embBody.usage.prompt_tokens).toBe(2);
    emu.openai.resetControls();
  });

  it('anthropic reports cache reads and writes apart from input_tokens and counts tokens', async () => {
    emu.anthropic.extras = { cache_read: 100, cache_write: 30, reasoning: 0 };
    const headers = { 'x-api-key': emu.anthropic.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
    const body = { model: 'claude-3-5-sonnet-20241022', max_tokens: 50, messages: [{ role: 'user', content: 'hello there' }] };
    const res = await fetch(`${emu.anthropic.baseUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(body) });
    const usage = ((await res.json()) as { usage: Record<string, number> }).usage;
    expect(usage).toMatchObject({ input_tokens: 3, cache_read_input_tokens: 100, cache_creation_input_tokens: 30 });
    expect(emu.anthropic.lastUsage).toMatchObject({ input: 133, cache_read: 100, cache_write: 30 });
    const count = await fetch(`${emu.anthropic.baseUrl}/v1/messages/count_tokens`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect(await count.json()).toEqual({ input_tokens: 3 });
    emu.anthropic.resetControls();
  });

  it('google reports cachedContentTokenCount and thoughtsTokenCount, and counts tokens', async () => {
    emu.google.extras = { cache_read: 20, cache_write: 0, reasoning: 9 };
    const headers = { 'x-goog-api-key': emu.google.key, 'content-type': 'application/json' };
    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    const stream = await fetch(`${emu.google.baseUrl}/v1beta/models/gemini-1.5-flash:streamGenerateContent?alt=sse`, { method: 'POST', headers, body });
    const parts = (await sse(stream)) as { usageMetadata: Record<string, number> }[];
    expect(parts.at(-1)?.usageMetadata).toMatchObject({ cachedContentTokenCount: 20, thoughtsTokenCount: 9 });
    const array = await fetch(`${emu.google.baseUrl}/v1beta/models/gemini-1.5-flash:streamGenerateContent`, { method: 'POST', headers, body });
    expect(((await array.json()) as unknown[]).length).toBe(parts.length);
    const count = await fetch(`${emu.google.baseUrl}/v1beta/models/gemini-1.5-flash:countTokens`, { method: 'POST', headers, body });
    expect(await count.json()).toEqual({ totalTokens: 1 });
    emu.google.resetControls();
  });

  it('ollama generates (NDJSON with counts in the done line) and embeds with prompt_eval_count', async () => {
    const gen = await fetch(`${emu.ollama.baseUrl}/api/generate`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2', prompt: 'why is the sky blue' }) });
    const lines = (await gen.text()).trim().split('\n').map((l) => JSON.parse(l) as { response: string; done: boolean; prompt_eval_count?: number });
    expect(lines.map((l) => l.response).join('')).toBe(emu.ollama.reply);
    expect(lines.at(-1)).toMatchObject({ done: true, prompt_eval_count: 5 });
    const embed = await fetch(`${emu.ollama.baseUrl}/api/embed`, { method: 'POST', body: JSON.stringify({ model: 'nomic-embed-text', input: ['a', 'b'] }) });
    expect(await embed.json()).toMatchObject({ prompt_eval_count: 2, embeddings: [expect.any(Array), expect.any(Array)] });
  });

  it('cuts a stream mid-way and fails only the next request when told', async () => {
    emu.anthropic.cutAfterChunks = 2;
    const headers = { 'x-api-key': emu.anthropic.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
    const body = JSON.stringify({ model: 'claude-3-5-sonnet-20241022', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const res = await fetch(`${emu.anthropic.baseUrl}/v1/messages`, { method: 'POST', headers, body });
    await expect(res.text()).rejects.toThrow();
    expect(emu.anthropic.lastUsage).toBeNull();
    emu.anthropic.resetControls();
    emu.anthropic.failNext('rate_limited', 1, { retry_after_s: 2 });
    const limited = await fetch(`${emu.anthropic.baseUrl}/v1/messages`, { method: 'POST', headers, body });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
    const next = await fetch(`${emu.anthropic.baseUrl}/v1/messages`, { method: 'POST', headers, body });
    expect(next.status).toBe(200);
    await next.text();
  });
});
