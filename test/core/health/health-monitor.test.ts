import { describe, expect, it } from 'vitest';
import { nextPingDelay } from '../../../src-main/core/health/health-monitor.js';
import type { ProviderServiceOptions } from '../../../src-main/core/routing/provider-services.js';
import type { KeywayService } from '../../../src-main/core/service.js';
import type { ServiceEventMap } from '../../../src-main/shared/events.js';
import { routingSuite } from '../routing/routing-fixture.js';

const { emu, fixture } = await routingSuite();

function service(providers: ProviderServiceOptions = {}): KeywayService {
  return fixture({ providers }).service;
}

/** Resolves with the next provider.status event for local that has the given status. */
function nextStatus(s: KeywayService, status: ServiceEventMap['provider.status']['status']): Promise<ServiceEventMap['provider.status']> {
  return new Promise((resolve) => {
    const off = s.events.on('provider.status', (event) => {
      if (event.provider === 'local' && event.status === status) {
        off();
        resolve(event);
      }
    });
  });
}

describe('Ollama health', () => {
  it('a ping records Ollama up with its installed models, which become the local provider models', async () => {
    const s = service();
    emu.ollama.models = ['mistral:latest', 'codellama:7b'];
    const health = await s.providers.checkLocal();
    expect(health).toMatchObject({ status: 'up', models: ['mistral:latest', 'codellama:7b'] });
    expect(health.detail).toContain('Ollama 0.5.7');
    expect(emu.ollama.requests.map((r) => r.path)).toEqual(['/api/version', '/api/tags']);
    expect(s.getProviderStats({ provider: 'local' }).providers[0]).toMatchObject({ models: ['mistral:latest', 'codellama:7b'], health: { models: ['mistral:latest', 'codellama:7b'] } });
  });

  it('reports down when Ollama refuses connections and degraded when it answers 500', async () => {
    const s = service();
    await emu.ollama.set('down');
    expect((await s.providers.checkLocal()).status).toBe('down');
    await emu.ollama.set('server_error');
    expect((await s.providers.checkLocal()).status).toBe('degraded');
  });

  it('the background loop notices Ollama going down and coming back, announcing each change', async () => {
    const s = service({ pingIntervalMs: 20, maxBackoffMs: 80 });
    const up = nextStatus(s, 'up');
    s.startBackgroundTasks();
    expect(await up).toMatchObject({ previous: 'unknown' });
    const down = nextStatus(s, 'down');
    await emu.ollama.set('down');
    // A ping in flight when the emulator stops can see the socket closed mid-way (previous "degraded":
    // version answered, model list did not; or "connection closed"), so both are accepted.
    const event = await down;
    expect(['up', 'degraded']).toContain(event.previous);
    expect(event.detail).toMatch(/connection refused|connection closed/);
    const back = nextStatus(s, 'up');
    await emu.ollama.set('ok');
    expect(await back).toMatchObject({ previous: 'down' });
    expect(s.routeRequest({ task_type: 'embeddings' }).provider).toBe('local');
  });

  it('does not ping Ollama when local is disabled in routing_config.json', async () => {
    const s = service();
    await s.updateProviderConfig('local', { enabled: false }, { principal: 'owner', actor: 'test' });
    expect((await s.checkLocalHealth()).status).toBe('unknown');
    expect(emu.ollama.requests).toHaveLength(0);
  });

  it('one-shot use never pings: no background timers start without startBackgroundTasks', async () => {
    const s = service({ pingIntervalMs: 1 });
    s.routeRequest({ task_type: 'embeddings' });
    s.getProviderStats();
    await s.providers.checkLocal();
    expect(emu.ollama.requests).toHaveLength(2);
  });

  it('periodic remote checks are off by default and, when set, validate each remote provider key as the system', async () => {
    const off = fixture({ providers: { pingIntervalMs: 20 } });
    await off.addKeys('anthropic');
    const up = nextStatus(off.service, 'up');
    off.service.startBackgroundTasks();
    await up;
    expect(emu.anthropic.requests).toHaveLength(0);

    const on = fixture({ providers: { pingIntervalMs: 60_000, remoteCheckIntervalMs: 20 } });
    await on.addKeys('anthropic', 'google');
    const validated = new Promise<void>((resolve) => {
      const seen = new Set<string>();
      on.service.events.on('key.changed', (e) => {
        if (e.action === 'key.validate') seen.add(e.provider);
        if (seen.size === 2) resolve();
      });
    });
    on.service.startBackgroundTasks();
    await validated;
    expect(emu.anthropic.requests.some((r) => r.path === '/v1/models')).toBe(true);
    expect(on.service.auditEntries().filter((e) => e.action === 'key.validate').every((e) => e.actor === 'system')).toBe(true);
    expect(on.service.getProviderStats({ provider: 'google' }).providers[0]?.health.status).toBe('up');
  });

  it.each([
    [0, 30_000],
    [1, 60_000],
    [2, 120_000],
    [3, 240_000],
    [4, 300_000],
    [50, 300_000],
  ])('after %i consecutive failures the next ping waits %i ms (30 s interval, 5 min cap)', (failures, delay) => {
    expect(nextPingDelay(failures, 30_000, 300_000)).toBe(delay);
  });
});
