import { describe, expect, it } from 'vitest';
import type { SkipReason } from '../../../src-main/shared/routing.js';
import { canaryKey } from '../../support/canary.js';
import { CTX, TestClock, routingSuite, type RoutingFixture } from './routing-fixture.js';

const { emu, fixture } = await routingSuite();

describe('routeRequest', () => {
  it('routes code_generation to anthropic with its configured model (the seed example)', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic', 'openai', 'google');
    const result = service.routeRequest({ task_type: 'code_generation' });
    expect(result).toMatchObject({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', fallback_used: false, known_task_type: true, skipped: [] });
    expect(result.chain).toEqual(['anthropic', 'openai', 'google', 'local']);
    expect(result.reason).toContain('configured for code_generation');
  });

  it('routes analysis to the preferred openai, and falls back to anthropic when openai is disabled (the seed example)', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic', 'openai');
    expect(service.routeRequest({ task_type: 'analysis', preferred_provider: 'openai', enable_fallback: true })).toMatchObject({ provider: 'openai', model: 'gpt-4-turbo' });
    await service.updateProviderConfig('openai', { enabled: false }, CTX);
    const fallback = service.routeRequest({ task_type: 'analysis', preferred_provider: 'openai', enable_fallback: true });
    expect(fallback.provider).toBe('anthropic');
    expect(fallback.fallback_used).toBe(true);
    expect(fallback.skipped).toEqual([{ provider: 'openai', reason: 'disabled', detail: expect.stringContaining('disabled') as string, remedy: { action: 'enable_provider', provider: 'openai' } }]);
  });

  it('puts the preferred provider before the task provider and fallback order, each once', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic', 'google');
    const result = service.routeRequest({ task_type: 'code_generation', preferred_provider: 'google' });
    expect(result.provider).toBe('google');
    expect(result.chain).toEqual(['google', 'anthropic', 'openai', 'local']);
    expect(result.reason).toContain('preferred');
  });

  it('routes an unknown task type by the fallback order and says so', async () => {
    const { service, addKeys } = fixture();
    await addKeys('openai');
    const result = service.routeRequest({ task_type: 'translation' });
    expect(result.known_task_type).toBe(false);
    expect(result.provider).toBe('openai');
    expect(result.skipped.map((s) => [s.provider, s.reason])).toEqual([['anthropic', 'no_key']]);
    expect(result.reason).toContain('not in the routing table');
  });

  const skipCases: Array<[SkipReason, (f: RoutingFixture) => Promise<void>]> = [
    ['disabled', async (f) => void (await f.service.updateProviderConfig('anthropic', { enabled: false }, CTX))],
    ['no_key', async (f) => void (await f.service.removeKey({ provider: 'anthropic' }, CTX))],
    [
      'key_invalid',
      async (f) => {
        await f.service.rotateKey({ provider: 'anthropic', new_api_key: canaryKey('anthropic') }, CTX);
        await f.service.validateKey('anthropic', undefined, {}, CTX);
      },
    ],
    [
      'unhealthy',
      async (f) => {
        await emu.anthropic.set('down');
        await f.service.validateKey('anthropic', undefined, {}, CTX);
      },
    ],
    [
      'rate_limited',
      async (f) => {
        await emu.anthropic.set('rate_limited', { retry_after_s: 30 });
        await f.service.validateKey('anthropic', undefined, {}, CTX);
      },
    ],
    [
      'over_budget',
      async (f) => {
        await f.service.setBudget({ provider: 'anthropic', daily_limit: 1 }, CTX);
        await f.service.trackRequest({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', input_tokens: 500_000, output_tokens: 100_000 }, CTX);
      },
    ],
    [
      'circuit_open',
      async (f) => {
        for (let i = 0; i < 3; i++) await f.service.trackRequest({ provider: 'anthropic', input_tokens: 10, output_tokens: 0, success: false }, CTX);
      },
    ],
  ];

  it.each(skipCases)('skips a provider for %s, says why, and falls back to the next one', async (reason, makeUnavailable) => {
    const f = fixture();
    await f.addKeys('anthropic', 'openai');
    expect(f.service.routeRequest({ task_type: 'code_generation' }).provider).toBe('anthropic');
    await makeUnavailable(f);
    const result = f.service.routeRequest({ task_type: 'code_generation' });
    expect(result.provider).toBe('openai');
    expect(result.fallback_used).toBe(true);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]).toMatchObject({ provider: 'anthropic', reason });
    expect(result.skipped[0]?.detail.length).toBeGreaterThan(10);
  });

  it('skips a provider whose tracked requests in the last minute reached its rate_limit, and takes it again a minute later', async () => {
    const clock = new TestClock();
    const f = fixture({ clock, config: { providers: { ...(await import('../../emulators/index.js')).configFor(emu), anthropic: { enabled: true, models: ['claude-3-5-sonnet-20241022'], rate_limit: 2, base_url: emu.anthropic.baseUrl } } } });
    await f.addKeys('anthropic', 'openai');
    for (let i = 0; i < 2; i++) await f.service.trackRequest({ provider: 'anthropic', input_tokens: 10, output_tokens: 10 }, CTX);
    const limited = f.service.routeRequest({ task_type: 'chat' });
    expect(limited.provider).toBe('openai');
    expect(limited.skipped[0]).toMatchObject({ provider: 'anthropic', reason: 'rate_limited' });
    expect(limited.skipped[0]?.detail).toContain('rate_limit 2');
    clock.advance(61_000);
    expect(f.service.routeRequest({ task_type: 'chat' }).provider).toBe('anthropic');
  });

  it('with fallback disabled and the first choice unavailable, fails naming the reason', async () => {
    const { service, addKeys } = fixture();
    await addKeys('openai');
    expect(() => service.routeRequest({ task_type: 'code_generation', enable_fallback: false })).toThrow(
      expect.objectContaining({ code: 'provider_unavailable', message: expect.stringMatching(/anthropic.*no_key/) as string }),
    );
  });

  it('fails listing every provider and its reason when none is available', async () => {
    const { service } = fixture();
    await service.updateProviderConfig('local', { enabled: false }, CTX);
    let message = '';
    try {
      service.routeRequest({ task_type: 'chat' });
    } catch (error) {
      expect(error).toMatchObject({ code: 'no_provider_available' });
      message = (error as Error).message;
    }
    expect(message).toMatch(/anthropic: no_key.*openai: no_key.*google: no_key.*local: disabled/);
  });

  it('skips local when Ollama is down and routes embeddings to an installed embedding model when it is up', async () => {
    const { service, addKeys } = fixture();
    await addKeys('openai');
    await service.providers.checkLocal();
    const up = service.routeRequest({ task_type: 'embeddings' });
    expect(up).toMatchObject({ provider: 'local', model: 'nomic-embed-text:latest' });
    await emu.ollama.set('down');
    await service.providers.checkLocal();
    const down = service.routeRequest({ task_type: 'embeddings' });
    expect(down.skipped[0]).toMatchObject({ provider: 'local', reason: 'unhealthy' });
    expect(down.provider).toBe('openai');
  });

  it.each([
    [{ task_type: '' }, 'task_type'],
    [{ task_type: 'Code Generation' }, 'snake_case'],
    [{ task_type: 'chat', preferred_provider: 'mistral' }, 'preferred_provider'],
    [{ task_type: 'chat', enable_fallback: 'yes' }, 'enable_fallback'],
    [{ task_type: 'chat', estimated_input_tokens: -1 }, 'estimated_input_tokens'],
    [{ task_type: 'chat', extra: 1 }, 'extra'],
  ])('rejects invalid input %j naming %s', (input, field) => {
    const { service } = fixture();
    expect(() => service.routeRequest(input as never)).toThrow(expect.objectContaining({ code: 'invalid_input', message: expect.stringContaining(field) as string }));
  });

  it('estimates the cost of the chosen model when token estimates are given', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic');
    const result = service.routeRequest({ task_type: 'chat', estimated_input_tokens: 1000, estimated_output_tokens: 1000 });
    expect(result.estimated_cost_usd).toBeCloseTo(0.018, 6);
  });
});

describe('circuit breaker (injected clock)', () => {
  it('opens after 3 failed requests, half-opens after the cool-down with one trial, and closes on success', async () => {
    const clock = new TestClock();
    const f = fixture({ clock });
    await f.addKeys('anthropic', 'openai');
    for (let i = 0; i < 2; i++) await f.service.trackRequest({ provider: 'anthropic', input_tokens: 1, output_tokens: 0, success: false }, CTX);
    expect(f.service.routeRequest({ task_type: 'chat' }).provider).toBe('anthropic');
    await f.service.trackRequest({ provider: 'anthropic', input_tokens: 1, output_tokens: 0, success: false }, CTX);
    expect(f.service.getProviderStats({ provider: 'anthropic' }).providers[0]?.circuit).toMatchObject({ state: 'open', consecutive_failures: 3 });
    expect(f.service.routeRequest({ task_type: 'chat' }).skipped[0]?.reason).toBe('circuit_open');
    clock.advance(29_000);
    expect(f.service.routeRequest({ task_type: 'chat' }).provider).toBe('openai');
    clock.advance(1_000);
    expect(f.service.getProviderStats({ provider: 'anthropic' }).providers[0]?.circuit.state).toBe('half_open');
    expect(f.service.routeRequest({ task_type: 'chat' }).provider).toBe('anthropic');
    expect(f.service.routeRequest({ task_type: 'chat' }).skipped[0]?.reason).toBe('circuit_open');
    await f.service.trackRequest({ provider: 'anthropic', input_tokens: 1, output_tokens: 1, success: true }, CTX);
    expect(f.service.getProviderStats({ provider: 'anthropic' }).providers[0]?.circuit).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    expect(f.service.routeRequest({ task_type: 'chat' }).provider).toBe('anthropic');
  });

  it('frees the half-open trial after another cool-down when its outcome is never reported, so the provider is not skipped forever', async () => {
    const clock = new TestClock();
    const f = fixture({ clock });
    await f.addKeys('anthropic', 'openai');
    for (let i = 0; i < 3; i++) await f.service.trackRequest({ provider: 'anthropic', input_tokens: 1, output_tokens: 0, success: false }, CTX);
    clock.advance(30_000);
    expect(f.service.routeRequest({ task_type: 'chat' }).provider).toBe('anthropic');
    const waiting = f.service.routeRequest({ task_type: 'chat' });
    expect(waiting.skipped[0]).toMatchObject({ provider: 'anthropic', reason: 'circuit_open', detail: expect.stringContaining('one trial request is out') as string });
    expect(f.service.getProviderStats({ provider: 'anthropic' }).providers[0]?.circuit).toMatchObject({ state: 'half_open', retry_at: new Date(clock.now().getTime() + 30_000).toISOString() });
    clock.advance(29_999);
    expect(f.service.routeRequest({ task_type: 'chat' }).provider).toBe('openai');
    clock.advance(1);
    expect(f.service.routeRequest({ task_type: 'chat' }).provider).toBe('anthropic');
  });

  it('re-opens when the half-open trial fails, and honours circuit_breaker settings from routing_config.json', async () => {
    const clock = new TestClock();
    const f = fixture({ clock, config: { circuit_breaker: { failure_threshold: 1, cooldown_s: 5 } } });
    await f.addKeys('anthropic', 'openai');
    await f.service.trackRequest({ provider: 'anthropic', input_tokens: 1, output_tokens: 0, success: false }, CTX);
    expect(f.service.routeRequest({ task_type: 'chat' }).skipped[0]?.reason).toBe('circuit_open');
    clock.advance(5_000);
    expect(f.service.routeRequest({ task_type: 'chat' }).provider).toBe('anthropic');
    await f.service.trackRequest({ provider: 'anthropic', input_tokens: 1, output_tokens: 0, success: false }, CTX);
    const info = f.service.getProviderStats({ provider: 'anthropic' }).providers[0]?.circuit;
    expect(info?.state).toBe('open');
    expect(info?.retry_at).toBe(new Date(clock.now().getTime() + 5_000).toISOString());
  });
});

describe('getBestProviderForCost', () => {
  it('ranks local first when Ollama is up and offers a model, then by estimated cost', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic', 'openai', 'google');
    await service.providers.checkLocal();
    const result = service.getBestProviderForCost({ input_tokens: 10_000, output_tokens: 2_000 });
    expect(result.provider).toBe('local');
    expect(result.estimated_cost_usd).toBe(0);
    const paid = result.ranking.slice(1).map((c) => c.estimated_cost_usd ?? Infinity);
    expect(paid).toEqual([...paid].sort((a, b) => a - b));
    expect(result.ranking.map((c) => c.provider).slice(1)).toEqual(['google', 'anthropic', 'openai']);
  });

  it('picks the cheapest paid provider when local is not available, and lists unavailable ones last with the reason', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic', 'openai');
    await service.updateProviderConfig('local', { enabled: false }, CTX);
    const result = service.getBestProviderForCost({ input_tokens: 1000, output_tokens: 1000, task_type: 'chat' });
    expect(result.provider).toBe('anthropic');
    expect(result.estimated_cost_usd).toBeCloseTo(0.018, 6);
    expect(result.reason).toContain('cheapest');
    expect(result.ranking.slice(-2).map((c) => [c.provider, c.skip_reason])).toEqual([
      ['google', 'no_key'],
      ['local', 'disabled'],
    ]);
  });

  it('with min_quality, ranks only providers whose model meets it and lists the others after them with the reason', async () => {
    const { service, addKeys } = fixture();
    await addKeys('anthropic', 'openai', 'google');
    await service.providers.checkLocal();
    const standard = service.getBestProviderForCost({ input_tokens: 10_000, output_tokens: 2_000, min_quality: 'standard' });
    expect(standard).toMatchObject({ provider: 'google', model: 'gemini-pro', min_quality: 'standard' });
    expect(standard.reason).toContain('rated standard or better');
    expect(standard.ranking.map((c) => [c.provider, c.quality, c.meets_quality])).toEqual([
      ['google', 'standard', true],
      ['anthropic', 'premium', true],
      ['openai', 'premium', true],
      ['local', 'basic', false],
    ]);
    expect(standard.ranking.at(-1)).toMatchObject({ available: true, skip_reason: null, detail: expect.stringContaining('below min_quality standard') as string });
    const premium = service.getBestProviderForCost({ input_tokens: 10_000, output_tokens: 2_000, min_quality: 'premium' });
    expect(premium).toMatchObject({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' });
    expect(service.getBestProviderForCost({ input_tokens: 10_000, output_tokens: 2_000 })).toMatchObject({ provider: 'local', min_quality: null });
  });

  it('fails saying what to do when no available provider meets min_quality', async () => {
    const { service, addKeys } = fixture();
    await addKeys('google');
    await service.providers.checkLocal();
    expect(() => service.getBestProviderForCost({ input_tokens: 100, output_tokens: 100, min_quality: 'premium' })).toThrow(
      expect.objectContaining({
        code: 'no_provider_available',
        message: expect.stringMatching(/min_quality premium.*google: below min_quality \(gemini-pro is rated standard.*Lower min_quality/) as string,
      }),
    );
  });

  it.each([
    [{ input_tokens: 1, output_tokens: 1, min_quality: 'best' }, 'min_quality must be one of basic, standard, premium'],
    [{ input_tokens: 1, output_tokens: 1, min_quality: 3 }, 'min_quality'],
    [{ input_tokens: -1, output_tokens: 1 }, 'input_tokens'],
  ])('rejects invalid cost input %j naming %s', (input, message) => {
    const { service } = fixture();
    expect(() => service.getBestProviderForCost(input as never)).toThrow(expect.objectContaining({ code: 'invalid_input', message: expect.stringContaining(message) as string }));
  });
});
