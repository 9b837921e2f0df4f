import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../src-main/shared/usage.js';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGatewayFixture();
});
afterAll(() => fx.close());
beforeEach(() => fx.emu.reset());

async function lastRecord(n: number): Promise<UsageRecord> {
  for (let i = 0; i < 300; i++) {
    const all = [...fx.service.usage.records()];
    if (all.length >= n) return all.at(-1)!;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the ledger never reached ${n} records`);
}

const client = (headers: Record<string, string> = {}) => new OpenAI({ apiKey: fx.token, baseURL: `${fx.origin}/v1`, maxRetries: 0, defaultHeaders: headers });

describe('/v1: one OpenAI-compatible endpoint for every provider', () => {
  it('lists provider/model ids and auto', async () => {
    const ids = (await client().models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['auto', 'anthropic/claude-3-5-sonnet-20241022', 'openai/gpt-4-turbo', 'google/gemini-pro', 'local/codellama:7b']));
  });

  it.each([
    ['anthropic', 'claude-3-5-sonnet-20241022', '/v1/chat/completions'],
    ['google', 'gemini-pro', '/v1beta/openai/chat/completions'],
    ['local', 'codellama:7b', '/v1/chat/completions'],
    ['openai', 'gpt-4-turbo', '/v1/chat/completions'],
  ] as const)('sends %s/%s to that provider own OpenAI-compatible API and records its usage', async (provider, model, path) => {
    const before = [...fx.service.usage.records()].length;
    const stream = await client().chat.completions.create({ model: `${provider}/${model}`, stream: true, messages: [{ role: 'user', content: 'Hello there' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    const emulator = fx.emu.of(provider);
    expect(text).toBe(emulator.reply);
    const sent = emulator.requests.at(-1)!;
    expect(sent.path).toBe(path);
    expect(JSON.parse(sent.body)).toMatchObject({ model, stream_options: { include_usage: true } });
    expect(sent.headers.authorization).toBe(`Bearer ${emulator.key}`);
    const record = await lastRecord(before + 1);
    expect(record).toMatchObject({ provider, model, route: 'v1/chat', status: 'ok', input_tokens: emulator.lastUsage!.input, output_tokens: emulator.lastUsage!.output });
  });

  it('routes auto by x-keyway-task and fails over to the next provider before the first byte', async () => {
    const before = [...fx.service.usage.records()].length;
    fx.emu.anthropic.failNext('server_error', 1);
    const answer = await client({ 'x-keyway-task': 'chat' }).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hello' }] });
    expect(answer.choices[0]?.message.content).toBe(fx.emu.openai.reply);
    expect(fx.emu.anthropic.requests).toHaveLength(1);
    const record = await lastRecord(before + 1);
    expect(record).toMatchObject({ provider: 'openai', route: 'v1/auto -> openai', status: 'ok' });
  });

  it('answers a malformed model in OpenAI format', async () => {
    const error = await client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('"provider/model"');
  });
});
