import Anthropic from '@anthropic-ai/sdk';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatUsd } from '../../src-main/shared/format.js';
import type { UsageRecord } from '../../src-main/shared/usage.js';
import { canaryCore, canaryKey } from '../support/canary.js';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGatewayFixture();
  // A second OpenAI key for failover: the emulator accepts it too.
  const backup = canaryKey('openai');
  fx.emu.openai.keys.push(backup);
  await fx.service.addKey({ provider: 'openai', label: 'backup', api_key: backup }, { principal: 'owner', actor: 'test' });
});
afterAll(() => fx.close());
beforeEach(async () => {
  await fx.emu.reset();
  await fx.service.setBudget({ enabled: true, daily_limit: 1000, monthly_limit: 10000 }, { principal: 'owner', actor: 'test' });
});

const CHAT_URL = () => `${fx.origin}/openai/v1/chat/completions`;
const chatBody = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'gpt-4o', max_tokens: 1000, messages: [{ role: 'user', content: 'Say hello' }], ...extra });
const post = (url: string, token: string | undefined, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, body });

const waitForRecords = (n: number): Promise<UsageRecord[]> => fx.waitForRecords(n);

describe('gateway authentication', () => {
  it('refuses a missing, unknown or revoked token in the provider own error format, without calling the provider', async () => {
    const missing = await post(CHAT_URL(), undefined, chatBody());
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { type: string; message: string } }).error).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining('keyway tokens create') });
    const unknown = await post(CHAT_URL(), 'kw_gateway_' + 'x'.repeat(43), chatBody());
    expect(unknown.status).toBe(401);
    const created = await fx.tokens.create({ kind: 'gateway', name: 'short-lived' });
    await fx.tokens.revoke(created.record.id);
    const revoked = await fetch(`${fx.origin}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': created.token, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-3-5-sonnet-20241022', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(fx.emu.openai.requests).toHaveLength(0);
    expect(fx.emu.anthropic.requests).toHaveLength(0);
  });

  it('refuses a provider outside the token scope and answers an editor token as unknown', async () => {
    const onlyAnthropic = await fx.newToken('only-anthropic', { providers: ['anthropic'] });
    const res = await post(CHAT_URL(), onlyAnthropic, chatBody());
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('may use anthropic, not openai');
    const editor = await fx.tokens.create({ kind: 'editor', name: 'an-editor' });
    expect((await post(CHAT_URL(), editor.token, chatBody())).status).toBe(401);
    expect(fx.emu.openai.requests).toHaveLength(0);
  });

  it('rewords the provider rejecting the stored key, and never shows the key', async () => {
    fx.emu.openai.failNext('unauthorized', 2);
    const res = await post(CHAT_URL(), fx.token, chatBody());
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(text).toContain('keyway keys validate openai');
    for (const key of fx.emu.openai.keys) expect(text).not.toContain(canaryCore(key));
  });
});

describe('budgets that bind', () => {
  it('answers 429 in the provider format naming the budget and what to do, without calling the provider', async () => {
    await fx.service.setBudget({ daily_limit: 0.000001 }, { principal: 'owner', actor: 'test' });
    const client = new Anthropic({ apiKey: fx.token, baseURL: `${fx.origin}/anthropic`, maxRetries: 0 });
    const error = await client.messages.create({ model: 'claude-3-5-sonnet-20241022', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as Error).message).toMatch(/daily budget.*keyway budget set/);
    expect(fx.emu.anthropic.requests).toHaveLength(0);
  });

  it('100 concurrent requests against a budget with room for N: exactly N go through and spending stays under the limit', async () => {
    const body = chatBody();
    const worst = fx.service.prices.costMicros('openai', 'gpt-4o', { input_tokens: Math.ceil(Buffer.byteLength(body) / 3), output_tokens: 1000 })!;
    const n = 7;
    const limit = ((worst * n + worst / 2) / 1e6);
    await fx.service.setBudget({ daily_limit: Number(limit.toFixed(6)) }, { principal: 'owner', actor: 'test' });
    // Slow answers keep every granted request in flight (held, not yet settled) while the others arrive.
    await fx.emu.openai.set('slow', { delay_ms: 2500 });
    const before = (await waitForRecords(0)).length;
    const answers = await Promise.all(Array.from({ length: 100 }, () => post(CHAT_URL(), fx.token, body).then(async (r) => [r.status, await r.text()] as const)));
    const statuses = answers.map(([s]) => s);
    expect(statuses.filter((s) => s === 200)).toHaveLength(n);
    expect(statuses.filter((s) => s === 429)).toHaveLength(100 - n);
    expect(answers.find(([s]) => s === 429)?.[1]).toContain('daily budget');
    const records = (await waitForRecords(before + n)).slice(before);
    expect(records).toHaveLength(n);
    const spent = records.reduce((sum, r) => sum + (r.cost_usd ?? 0), 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(limit);
    expect(fx.service.checkBudget().periods.find((p) => p.period === 'daily' && p.provider === null)?.reserved_usd).toBe(0);
  });

  it('a token spend cap refuses once what it spent plus the next worst case would pass it, and never lets spending pass the cap', async () => {
    const body = chatBody({ max_tokens: 10 });
    const worst = fx.service.prices.costMicros('openai', 'gpt-4o', { input_tokens: Math.ceil(Buffer.byteLength(body) / 3), output_tokens: 10 })!;
    const cap = Number(((worst * 2.5) / 1e6).toFixed(6));
    const capped = await fx.newToken('capped', { max_spend_usd: cap });
    const before = [...fx.service.usage.records()].length;
    let refusal: string | undefined;
    let granted = 0;
    for (let i = 0; i < 50 && refusal === undefined; i++) {
      const res = await post(CHAT_URL(), capped, body);
      if (res.status === 429) refusal = ((await res.json()) as { error: { message: string } }).error.message;
      else {
        expect(res.status).toBe(200);
        await res.text();
        granted += 1;
      }
    }
    expect(granted).toBeGreaterThanOrEqual(2);
    expect(refusal).toContain('spend cap');
    const spent = (await waitForRecords(before + granted)).slice(before).reduce((sum, r) => sum + (r.cost_usd ?? 0), 0);
    expect(spent).toBeLessThanOrEqual(cap);
  });

  it('a request without max_tokens is held at its model own output limit (models.dev), not a per-provider guess', async () => {
    const body = JSON.stringify({ model: 'gpt-4', messages: [{ role: 'user', content: 'Say hello' }] });
    const input = Math.ceil(Buffer.byteLength(body) / 3);
    const atLimit = fx.service.prices.costMicros('openai', 'gpt-4', { input_tokens: input, output_tokens: 8192 })!;
    const capped = await fx.newToken('held-at-model-limit', { max_spend_usd: 0.000001 });
    const res = await post(CHAT_URL(), capped, body);
    expect(res.status).toBe(429);
    const message = ((await res.json()) as { error: { message: string } }).error.message;
    expect(message).toContain(`could cost up to ${formatUsd(atLimit / 1e6)}`);
  });
});

describe('failover and honest streams', () => {
  it('tries the next key on 429 before the first byte, and feeds retry-after to health', async () => {
    fx.emu.openai.failNext('rate_limited', 1, { retry_after_s: 20 });
    const res = await post(CHAT_URL(), fx.token, chatBody());
    expect(res.status).toBe(200);
    await res.text();
    const [first, second] = fx.emu.openai.requests;
    expect(first?.headers.authorization).not.toBe(second?.headers.authorization);
    const records = await waitForRecords(1);
    expect(records.at(-1)).toMatchObject({ key_label: 'backup', status: 'ok' });
    expect(fx.service.providers.health.rateLimitedUntil('openai')).not.toBeNull();
    const access = fx.service.gatewayAccess(1).rows;
    expect(access.find((r) => r.provider === 'openai' && r.key_label === 'backup' && r.client === 'test-client')?.requests).toBeGreaterThanOrEqual(1);
  });

  it('a successful answer whose rate-limit headers say nothing is left makes routing wait for the reset', async () => {
    fx.emu.openai.responseHeaders = { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1m30s' };
    const res = await post(CHAT_URL(), fx.token, chatBody());
    expect(res.status).toBe(200);
    await res.text();
    const until = fx.service.providers.health.rateLimitedUntil('openai');
    expect(until).not.toBeNull();
    expect(Date.parse(until!) - Date.now()).toBeGreaterThan(80_000);
    expect(Date.parse(until!) - Date.now()).toBeLessThanOrEqual(91_000);
    expect(fx.service.routeRequest({ task_type: 'analysis', enable_fallback: true }).provider).not.toBe('openai');
    fx.service.providers.health.record('openai', { status: 'up', latency_ms: 1, detail: 'reset by the test', retry_after_s: null });
  });

  it('passes the provider 429 on (with retry-after) when every key is limited, and records it as failed', async () => {
    fx.emu.openai.failNext('rate_limited', 2, { retry_after_s: 5 });
    const before = [...fx.service.usage.records()].length;
    const client = new OpenAI({ apiKey: fx.token, baseURL: `${fx.origin}/openai/v1`, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('5');
    const records = await waitForRecords(before + 1);
    expect(records.at(-1)).toMatchObject({ success: false, status: 'upstream_error', input_tokens: 0 });
  });

  it('an upstream stream cut mid-way reaches the client as an error and is recorded as cut with the tokens seen', async () => {
    fx.emu.anthropic.cutAfterChunks = 4;
    const before = [...fx.service.usage.records()].length;
    const client = new Anthropic({ apiKey: fx.token, baseURL: `${fx.origin}/anthropic`, maxRetries: 0 });
    const stream = client.messages.stream({ model: 'claude-3-5-sonnet-20241022', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/cut before it finished/);
    const record = (await waitForRecords(before + 1)).at(-1)!;
    expect(record).toMatchObject({ success: false, status: 'cut', input_tokens: 2 });
  });

  it('a client that goes away mid-stream aborts the upstream request at once and its partial usage is recorded', async () => {
    fx.emu.anthropic.chunkDelayMs = 40;
    fx.emu.anthropic.reply = 'a long answer that takes a while to stream out to the client, chunk by chunk';
    const before = [...fx.service.usage.records()].length;
    const abort = new AbortController();
    const res = await fetch(`${fx.origin}/anthropic/v1/messages`, {
      method: 'POST',
      signal: abort.signal,
      headers: { 'x-api-key': fx.token, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-3-5-sonnet-20241022', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Hello' }] }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    const record = (await waitForRecords(before + 1)).at(-1)!;
    expect(record).toMatchObject({ success: false, status: 'client_closed', input_tokens: 2 });
    for (let i = 0; i < 100 && fx.emu.anthropic.abandonedStreams === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fx.emu.anthropic.abandonedStreams).toBe(1);
    expect(fx.emu.anthropic.lastUsage).toBeNull();
  });
});

describe('secrets', () => {
  it('no log line, ledger record or data file ever holds a provider key or a gateway token', async () => {
    expect(fx.logs.length).toBeGreaterThan(0);
    const logged = fx.logs.join('\n');
    const exported = [...fx.service.exportUsage({ format: 'json' })].join('');
    for (const key of [...fx.emu.openai.keys, fx.emu.anthropic.key, fx.emu.google.key]) {
      expect(logged).not.toContain(canaryCore(key));
      expect(exported).not.toContain(canaryCore(key));
    }
    expect(logged).not.toContain(fx.token);
    expect(readFileSync(join(fx.service.dataDir, 'tokens.json'), 'utf8')).not.toContain(fx.token);
  });
});
