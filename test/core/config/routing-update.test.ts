import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeywayService } from '../../../src-main/core/service.js';
import { openTestService } from '../../support/service.js';

const GUI = { principal: 'owner', actor: 'gui' } as const;
const services: KeywayService[] = [];
afterEach(() => {
  while (services.length > 0) services.pop()!.close();
});

function service(): KeywayService {
  const s = openTestService();
  services.push(s);
  return s;
}

function rawConfig(s: KeywayService): Record<string, unknown> {
  return JSON.parse(readFileSync(s.config.path, 'utf8')) as Record<string, unknown>;
}

describe('KeywayService.updateRouting', () => {
  it('sets the named task types, keeps the others and every unknown field of the file', async () => {
    const s = service();
    s.config.current(); // writes the default routing_config.json
    const raw = rawConfig(s);
    writeFileSync(s.config.path, JSON.stringify({ ...raw, my_note: 'keep me', routing: { ...(raw.routing as object), my_task: 'local' } }));
    s.config.load();
    const before = s.config.current().routing;

    const result = await s.updateRouting({ routing: { chat: 'local', translation: 'google' } }, GUI);

    expect(result.routing).toEqual({ ...before, chat: 'local', translation: 'google' });
    expect(result.fallback_order).toEqual(s.config.current().fallback_order);
    expect(rawConfig(s)).toMatchObject({ my_note: 'keep me', routing: { my_task: 'local', chat: 'local', translation: 'google' } });
    expect(s.auditEntries().at(-1)).toMatchObject({ actor: 'gui', action: 'config.update_routing', outcome: 'ok', detail: 'chat=local translation=google' });
  });

  it('replaces the fallback order and announces the config change', async () => {
    const s = service();
    s.config.current();
    const changed: string[] = [];
    s.events.on('config.changed', (e) => changed.push(e.path));

    const result = await s.updateRouting({ fallback_order: ['local', 'openai'] }, GUI);

    expect(result.fallback_order).toEqual(['local', 'openai']);
    expect(rawConfig(s).fallback_order).toEqual(['local', 'openai']);
    expect(s.config.current().fallback_order).toEqual(['local', 'openai']);
    expect(changed).toEqual([s.config.path]);
  });

  it('refuses a broken routing_config.json, leaves it as it was and audits the failure', async () => {
    const s = service();
    s.config.current();
    writeFileSync(s.config.path, '{ "routing": ');
    await expect(s.updateRouting({ fallback_order: ['local'] }, GUI)).rejects.toMatchObject({ code: 'config_invalid' });
    expect(readFileSync(s.config.path, 'utf8')).toBe('{ "routing": ');
    expect(s.auditEntries().at(-1)).toMatchObject({ action: 'config.update_routing', outcome: 'error', error_code: 'config_invalid' });
  });
});
