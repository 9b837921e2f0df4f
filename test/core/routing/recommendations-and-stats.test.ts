import { describe, expect, it } from 'vitest';
import type { KeywayService } from '../../../src-main/core/service.js';
import { canaryKey } from '../../support/canary.js';
import { CTX, TestClock, routingSuite } from './routing-fixture.js';

const { emu, fixture } = await routingSuite();

describe('getProviderStats', () => {
  it('reports configuration, keys, health, circuit and tracked usage per provider', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic');
    await service.validateKey('anthropic', undefined, {}, CTX);
    await service.trackRequest({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', input_tokens: 1000, output_tokens: 1000, latency_ms: 100 }, CTX);
    await service.trackRequest({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', input_tokens: 1000, output_tokens: 1000, latency_ms: 300, success: false }, CTX);
    const { providers } = service.getProviderStats();
    expect(providers.map((p) => p.provider)).toEqual(['anthropic', 'openai', 'google', 'local']);
    const anthropic = providers[0];
    expect(anthropic).toMatchObject({
      enabled: true,
      base_url: emu.anthropic.baseUrl,
      rate_limit: 100,
      has_key: true,
      key_validation: 'valid',
      requests: 2,
      requests_last_minute: 2,
      successes: 1,
      failures: 1,
      success_rate: 0.5,
      circuit: { state: 'closed', consecutive_failures: 1 },
    });
    expect(anthropic?.health.status).toBe('degraded');
    expect(anthropic?.cost_today_usd).toBeCloseTo(0.036, 6);
    expect(anthropic?.latency_p95_ms).toBeGreaterThanOrEqual(100);
    expect(providers[1]).toMatchObject({ provider: 'openai', has_key: false, key_validation: null, requests: 0, success_rate: null, health: { status: 'unknown' } });
  });

  it('learns remote health from tracked requests: up after a success, degraded after a failure, announcing changes', async () => {
    const { service } = fixture();
    const seen: string[] = [];
    service.events.on('provider.status', (e) => seen.push(`${e.provider}:${e.previous}->${e.status}`));
    await service.trackRequest({ provider: 'google', input_tokens: 10, output_tokens: 10, latency_ms: 250 }, CTX);
    expect(service.getProviderStats({ provider: 'google' }).providers[0]?.health).toMatchObject({ status: 'up', latency_ms: 250 });
    await service.trackRequest({ provider: 'google', input_tokens: 10, output_tokens: 0, success: false }, CTX);
    expect(service.getProviderStats({ provider: 'google' }).providers[0]?.health.status).toBe('degraded');
    expect(seen).toEqual(['google:unknown->up', 'google:up->degraded']);
  });

  it('filters to one provider and rejects an unknown one', () => {
    const { service } = fixture();
    expect(service.getProviderStats({ provider: 'google' }).providers.map((p) => p.provider)).toEqual(['google']);
    expect(() => service.getProviderStats({ provider: 'azure' } as never)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});

describe('getRoutingRecommendations', () => {
  it('compares each task choice with its alternatives at the observed token mix', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic', 'openai', 'google');
    await service.updateProviderConfig('local', { enabled: false }, CTX);
    for (let i = 0; i < 2; i++) await service.trackRequest({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', input_tokens: 2000, output_tokens: 400 }, CTX);
    const { tasks, advice } = service.getRoutingRecommendations({ task_type: 'code_generation' });
    expect(tasks).toHaveLength(1);
    const task = tasks[0];
    expect(task?.token_mix).toEqual({ input_tokens: 2000, output_tokens: 400, source: 'observed' });
    // claude-3-5-sonnet: $3 / $15 per million -> (2000*3 + 400*15) / 1e6 * 1000 requests = $12
    expect(task?.current).toMatchObject({ provider: 'anthropic', cost_per_1k_requests_usd: 12, available: true });
    expect(task?.alternatives[0]).toMatchObject({ provider: 'google', available: true });
    expect(task?.alternatives.at(-1)).toMatchObject({ provider: 'local', available: false, skip_reason: 'disabled' });
    expect(advice).toContainEqual(expect.objectContaining({ kind: 'cheaper_alternative', provider: 'google' }));
  });

  it('says when a cheaper alternative is a lower quality tier, so the saving is not oversold', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic', 'google');
    await service.updateProviderConfig('local', { enabled: false }, CTX);
    const { tasks, advice } = service.getRoutingRecommendations({ task_type: 'code_generation' });
    expect(tasks[0]?.current).toMatchObject({ provider: 'anthropic', quality: 'premium' });
    expect(tasks[0]?.alternatives[0]).toMatchObject({ provider: 'google', quality: 'standard' });
    expect(advice.find((a) => a.kind === 'cheaper_alternative')?.message).toContain('but it is a standard model against premium');
  });

  it('uses a default token mix for a task with no traffic and says so', () => {
    const { service } = fixture();
    const rec = service.getRoutingRecommendations({ task_type: 'analysis' });
    expect(rec.tasks[0]?.token_mix).toEqual({ input_tokens: 1000, output_tokens: 500, source: 'default' });
  });

  it('flags failing providers, unvalidated and rejected keys, budget pressure and unused keys', async () => {
    const clock = new TestClock();
    const { service, addKeys } = fixture({ clock });
    await addKeys('openai');
    await service.addKey({ provider: 'anthropic', api_key: canaryKey('anthropic') }, CTX);
    await service.validateKey('anthropic', undefined, {}, CTX);
    for (let i = 0; i < 6; i++) {
      await service.trackRequest({ provider: 'openai', model: 'gpt-4-turbo', input_tokens: 100_000, output_tokens: 50_000, success: i % 2 === 0 }, CTX);
    }
    const kinds = (rec: ReturnType<KeywayService['getRoutingRecommendations']>) => rec.advice.map((a) => `${a.kind}:${a.provider ?? ''}`);
    const now = kinds(service.getRoutingRecommendations());
    expect(now).toContain('provider_failing:openai');
    expect(now).toContain('key_never_validated:openai');
    expect(now).toContain('key_failing:anthropic');
    expect(now).toContain('budget_pressure:');
    expect(now).not.toContain('unused_key:openai');
    clock.advance(31 * 86_400_000);
    const later = service.getRoutingRecommendations();
    expect(kinds(later)).toContain('unused_key:anthropic');
    expect(later.advice.find((a) => a.kind === 'budget_pressure')).toBeUndefined();
  });

  it('says when a task has no available provider', async () => {
    const { service } = fixture();
    await service.updateProviderConfig('local', { enabled: false }, CTX);
    const rec = service.getRoutingRecommendations({ task_type: 'chat' });
    expect(rec.tasks[0]?.current).toBeNull();
    expect(rec.advice).toContainEqual(expect.objectContaining({ kind: 'provider_unavailable', message: expect.stringContaining('chat') as string }));
  });
});
