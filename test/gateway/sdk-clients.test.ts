import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderId } from '../../src-main/shared/providers.js';
import type { UsageRecord } from '../../src-main/shared/usage.js';
import type { ProviderEmulator } from '../emulators/index.js';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGatewayFixture();
});
afterAll(() => fx.close());
beforeEach(async () => {
  await fx.emu.reset();
  fx.emu.openai.extras = { cache_read: 40, cache_write: 0, reasoning: 12 };
  fx.emu.anthropic.extras = { cache_read: 100, cache_write: 30, cache_write_1h: 10, reasoning: 0 };
  fx.emu.google.extras = { cache_read: 20, cache_write: 0, reasoning: 9 };
});

const records = (n: number): Promise<UsageRecord[]> => fx.waitForRecords(n);

/** The newest record equals what the emulator reported, tokens and cost. */
async function expectRecorded(provider: ProviderId, model: string, emulator: ProviderEmulator, route: string): Promise<void> {
  const before = (globalThis as { __count?: number }).__count ?? 0;
  const all = await records(before + 1);
  (globalThis as { __count?: number }).__count = all.length;
  const record = all.at(-1)!;
  const reported = emulator.lastUsage!;
  expect(reported).not.toBeNull();
  const cost = fx.service.prices.costMicros(provider, model, {
    input_tokens: reported.input,
    output_tokens: reported.output,
    cached_input_tokens: reported.cache_read,
    cache_write_tokens: reported.cache_write,
    cache_write_1h_tokens: reported.cache_write_1h ?? 0,
  });
  expect(record).toMatchObject({
    provider,
    model,
    input_tokens: reported.input,
    output_tokens: reported.output,
    cached_input_tokens: reported.cache_read,
    cache_write_tokens: reported.cache_write,
    reasoning_tokens: reported.reasoning,
    cost_usd: cost === null ? null : cost / 1e6,
    success: true,
    status: 'ok',
    client: 'test-client',
    route,
    key_label: 'default',
  });
  expect(record.ttfb_ms).not.toBeNull();
}

describe('official SDKs through the gateway record exactly what the provider reported', () => {
  const openai = () => new OpenAI({ apiKey: fx.token, baseURL: `${fx.origin}/openai/v1`, maxRetries: 0 });

  it('openai chat completions, JSON', async () => {
    const answer = await openai().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Say hello' }] });
    expect(answer.choices[0]?.message.content).toBe(fx.emu.openai.reply);
    expect(answer.usage?.prompt_tokens_details?.cached_tokens).toBe(40);
    await expectRecorded('openai', 'gpt-4o', fx.emu.openai, 'openai/chat');
    expect([...fx.service.usage.records()].at(-1)?.cost_usd).toBeGreaterThan(0);
  });

  it('openai chat completions, streamed without include_usage: usage is asked upstream and not passed on', async () => {
    const stream = await openai().chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'Say hello' }] });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(fx.emu.openai.reply);
    expect(chunks.every((c) => c.choices.length > 0 && !('usage' in c))).toBe(true);
    expect(JSON.parse(fx.emu.openai.requests.at(-1)!.body)).toMatchObject({ stream_options: { include_usage: true } });
    await expectRecorded('openai', 'gpt-4o', fx.emu.openai, 'openai/chat');
  });

  it('openai chat completions, streamed with include_usage: the client gets the usage chunk too', async () => {
    const stream = await openai().chat.completions.create({ model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hi' }] });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(usage?.completion_tokens_details?.reasoning_tokens).toBe(12);
    await expectRecorded('openai', 'gpt-4o', fx.emu.openai, 'openai/chat');
  });

  it('openai responses, JSON and streamed', async () => {
    const answer = await openai().responses.create({ model: 'gpt-4o', input: 'Write one line' });
    expect(answer.output_text).toBe(fx.emu.openai.reply);
    await expectRecorded('openai', 'gpt-4o', fx.emu.openai, 'openai/responses');
    const stream = await openai().responses.create({ model: 'gpt-4o', input: 'Write one line', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.completed');
    await expectRecorded('openai', 'gpt-4o', fx.emu.openai, 'openai/responses');
  });

  it('openai embeddings (base64 by default in the SDK)', async () => {
    const answer = await openai().embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    expect(answer.data).toHaveLength(2);
    expect(answer.data[0]?.embedding).toHaveLength(8);
    await expectRecorded('openai', 'text-embedding-3-small', fx.emu.openai, 'openai/embeddings');
  });

  const anthropic = () => new Anthropic({ apiKey: fx.token, baseURL: `${fx.origin}/anthropic`, maxRetries: 0 });

  it('anthropic messages, JSON and streamed, with cache reads and writes', async () => {
    const message = await anthropic().messages.create({ model: 'claude-3-5-sonnet-20241022', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }] });
    expect(message.usage.cache_read_input_tokens).toBe(100);
    await expectRecorded('anthropic', 'claude-3-5-sonnet-20241022', fx.emu.anthropic, 'anthropic/messages');
    const stream = anthropic().messages.stream({ model: 'claude-3-5-sonnet-20241022', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }] });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: fx.emu.anthropic.reply });
    await expectRecorded('anthropic', 'claude-3-5-sonnet-20241022', fx.emu.anthropic, 'anthropic/messages');
  });

  it('anthropic count_tokens is forwarded and not recorded (it is free)', async () => {
    const before = [...fx.service.usage.records()].length;
    const counted = await anthropic().messages.countTokens({ model: 'claude-3-5-sonnet-20241022', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(counted.input_tokens).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([...fx.service.usage.records()].length).toBe(before);
  });

  const google = () => new GoogleGenAI({ apiKey: fx.token, httpOptions: { baseUrl: `${fx.origin}/google` } });

  it('google generateContent and generateContentStream (SSE), with cached and thoughts tokens', async () => {
    const answer = await google().models.generateContent({ model: 'gemini-1.5-flash', contents: 'Hello' });
    expect(answer.text).toBe(fx.emu.google.reply);
    await expectRecorded('google', 'gemini-1.5-flash', fx.emu.google, 'google/generateContent');
    const stream = await google().models.generateContentStream({ model: 'gemini-1.5-flash', contents: 'Hello' });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe(fx.emu.google.reply);
    expect(fx.emu.google.requests.at(-1)!.query).toEqual({ alt: 'sse' });
    await expectRecorded('google', 'gemini-1.5-flash', fx.emu.google, 'google/streamGenerateContent');
  });

  const ollama = () => new Ollama({ host: `${fx.origin}/ollama`, headers: { Authorization: `Bearer ${fx.token}` } });

  it('ollama chat (streamed and not), generate and embed', async () => {
    const answer = await ollama().chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'Hello' }], stream: false });
    expect(answer.message.content).toBe(fx.emu.ollama.reply);
    await expectRecorded('local', 'llama3.2', fx.emu.ollama, 'ollama/chat');
    let text = '';
    for await (const part of await ollama().chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'Hello' }], stream: true })) text += part.message.content;
    expect(text).toBe(fx.emu.ollama.reply);
    await expectRecorded('local', 'llama3.2', fx.emu.ollama, 'ollama/chat');
    const generated = await ollama().generate({ model: 'llama3.2', prompt: 'Why?' });
    expect(generated.response).toBe(fx.emu.ollama.reply);
    await expectRecorded('local', 'llama3.2', fx.emu.ollama, 'ollama/generate');
    const embedded = await ollama().embed({ model: 'nomic-embed-text', input: ['a', 'b'] });
    expect(embedded.embeddings).toHaveLength(2);
    await expectRecorded('local', 'nomic-embed-text', fx.emu.ollama, 'ollama/embed');
  });

  it('ollama through its OpenAI-compatible /v1 with the openai SDK', async () => {
    const client = new OpenAI({ apiKey: fx.token, baseURL: `${fx.origin}/ollama/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'llama3.2:latest', stream: true, messages: [{ role: 'user', content: 'Hello' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(fx.emu.ollama.reply);
    await expectRecorded('local', 'llama3.2:latest', fx.emu.ollama, 'ollama/v1/chat');
  });

  it('never sends the gateway token upstream, and the provider gets the real key in its own header', async () => {
    await openai().models.list();
    await google().models.generateContent({ model: 'gemini-1.5-flash', contents: 'Hello' });
    expect(fx.emu.transcript()).not.toContain(fx.token);
    expect(fx.emu.openai.requests.at(-1)!.headers.authorization).toBe(`Bearer ${fx.emu.openai.key}`);
    expect(fx.emu.google.requests.at(-1)!.headers['x-goog-api-key']).toBe(fx.emu.google.key);
    expect(fx.emu.google.requests.at(-1)!.url).not.toContain('key=');
  });
});
