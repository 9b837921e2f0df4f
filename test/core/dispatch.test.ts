import { afterEach, describe, expect, it } from 'vitest';
import { dispatchToResponse as dispatchApi } from '../../src-main/core/dispatch.js';
import type { KeywayService } from '../../src-main/core/service.js';
import type { ApiResponse } from '../../src-main/shared/api-contract.js';
import { CHANNEL_NAMES, CHANNELS } from '../../src-main/shared/channels.js';
import { canaryCore, canaryKey } from '../support/canary.js';
import { openTestService } from '../support/service.js';

const GUI = { principal: 'owner', actor: 'gui' } as const;
const services: KeywayService[] = [];
afterEach(() => {
  while (services.length > 0) services.pop()!.close();
});

function service(): KeywayService {
  const s = openTestService({ timeZone: 'UTC' });
  services.push(s);
  return s;
}

describe('dispatch', () => {
  it('reaches a handler for every channel of the map: an empty call answers a result or a typed error, never an internal one', async () => {
    const s = service();
    for (const channel of CHANNEL_NAMES) {
      if ('stream' in CHANNELS[channel]) continue;
      const response = await dispatchApi(s, channel, {}, GUI);
      if (!response.ok) expect([channel, response.error.code]).not.toEqual([channel, 'internal']);
    }
  });

  it('refuses the owner-only channels to an agent, audits each refusal with the agent and names what the owner can do', async () => {
    const s = service();
    const agent = { principal: 'agent', actor: 'mcp:hostile@1' } as const;
    const ownerOnly = CHANNEL_NAMES.filter((c) => !CHANNELS[c].principals.includes('agent'));
    expect(ownerOnly).toEqual(expect.arrayContaining(['keys.export', 'keys.import', 'settings.update', 'budget.set', 'routing.update', 'tokens.create', 'audit.list']));
    for (const channel of ownerOnly) {
      const before = s.auditEntries(1000).length;
      const response = await dispatchApi(s, channel, {}, agent);
      if (response.ok) throw new Error(`${channel} answered an agent`);
      expect(response.error).toMatchObject({ code: 'forbidden', remedy: { action: 'owner_only', channel } });
      expect(s.auditEntries(1000).slice(before)).toEqual([expect.objectContaining({ actor: 'mcp:hostile@1', action: CHANNELS[channel].action, outcome: 'error', error_code: 'forbidden' })]);
    }
  });

  it.each([
    ['an unknown channel', 'keys.steal', {}, /Unknown channel/],
    ['an inherited property name as channel', '__proto__', {}, /Unknown channel/],
    ['a non-string channel', 42, {}, /Unknown channel/],
    ['a payload that is not an object', 'keys.list', 'anthropic', /Invalid input/],
    ['an array payload', 'keys.add', [], /Invalid input/],
    ['an unknown provider', 'keys.add', { provider: 'openia', api_key: 'sk-x' }, /provider/],
    ['both a key and an env var', 'keys.add', { provider: 'openai', api_key: 'sk-abc', env_var: 'OPENAI_API_KEY' }, /exactly one of api_key or env_var/],
    ['an extra field smuggled in', 'keys.add', { provider: 'openai', api_key: 'sk-abc', store: 'plaintext' }, /unknown field\(s\) store/],
    ['a label with a path in it', 'keys.remove', { provider: 'openai', label: '../x' }, /label/],
    ['an oversized secret', 'keys.rotate', { provider: 'openai', new_api_key: `sk-${'a'.repeat(5000)}` }, /longer than 4096/],
    ['a field on a channel that takes none', 'dashboard.get', { all: true }, /unknown field/],
    ['a ping interval below 5 s', 'settings.update', { health_ping_interval_s: 1 }, /at least 5 seconds/],
    ['a string where a boolean belongs', 'settings.update', { launch_at_login: 'yes' }, /launch_at_login/],
    ['a negative budget', 'budget.set', { daily_limit: -1 }, /daily_limit/],
    ['a threshold above 1', 'budget.set', { alert_threshold: 80 }, /alert_threshold/],
    ['a base URL that is not http(s)', 'providers.update', { provider: 'openai', base_url: 'file:///etc/passwd' }, /base_url/],
    ['an audit limit of zero', 'audit.list', { limit: 0 }, /limit must be at least 1/],
    ['a usage window of 0 days', 'usage.get', { days: 0 }, /days/],
    ['a routing change with nothing in it', 'routing.update', {}, /nothing to change/],
    ['a routing table naming an unknown provider', 'routing.update', { routing: { chat: 'openia' } }, /routing\.chat: expected one of/],
    ['a task type that is not snake_case', 'routing.update', { routing: { 'Chat Bot': 'openai' } }, /snake_case/],
    ['a fallback order naming a provider twice', 'routing.update', { fallback_order: ['openai', 'local', 'openai'] }, /only once/],
    ['a fallback order that is not a list', 'routing.update', { fallback_order: 'openai' }, /fallback_order/],
  ])('refuses %s with invalid_input and changes nothing', async (_name, channel, input, message) => {
    const s = service();
    const before = s.auditEntries().length;
    const response = await dispatchApi(s, channel, input, GUI);
    expect(response.ok).toBe(false);
    if (!response.ok) {
      expect(response.error.code).toBe('invalid_input');
      expect(response.error.message).toMatch(message);
    }
    expect(s.listKeys().keys).toEqual([]);
    expect(s.auditEntries().length).toBe(before);
  });

  it('adds a key through the contract and answers only its masked form', async () => {
    const s = service();
    const secret = canaryKey('anthropic');
    const added = await dispatchApi(s, 'keys.add', { provider: 'anthropic', label: 'work', api_key: secret }, GUI);
    expect(added.ok).toBe(true);
    const listed = (await dispatchApi(s, 'keys.list', {}, GUI)) as ApiResponse<'keys.list'>;
    expect(JSON.stringify([added, listed])).not.toContain(canaryCore(secret));
    expect(listed.ok && listed.result.keys.map((k) => [k.provider, k.label, k.masked])).toEqual([['anthropic', 'work', `sk-ant-...${secret.slice(-4)}`]]);
    expect(s.auditEntries().at(-1)).toMatchObject({ actor: 'gui', action: 'key.add', outcome: 'ok' });
  });

  it('reports a key the provider format refuses with the shared format message', async () => {
    const response = await dispatchApi(service(), 'keys.add', { provider: 'anthropic', api_key: 'sk-proj-CANARY' }, GUI);
    expect(response).toEqual({ ok: false, error: { code: 'invalid_key_format', message: 'That anthropic key is not valid: Anthropic keys start with "sk-ant-".' } });
  });

  it('changes app settings, audits the change and announces it', async () => {
    const s = service();
    const seen: string[][] = [];
    s.events.on('settings.changed', (e) => seen.push(e.fields));
    const response = await dispatchApi(s, 'settings.update', { allow_mcp_key_changes: false, health_ping_interval_s: 60 }, GUI);
    expect(response.ok && response.result).toMatchObject({ allow_mcp_key_changes: false, health_ping_interval_s: 60, data_dir: s.dataDir });
    expect(s.appSettings().allow_mcp_key_changes).toBe(false);
    expect(seen).toEqual([['allow_mcp_key_changes', 'health_ping_interval_s']]);
    expect(s.auditEntries().at(-1)).toMatchObject({ actor: 'gui', action: 'settings.update', detail: 'allow_mcp_key_changes=false health_ping_interval_s=60' });
  });

  it('sets a budget through the same service rule the CLI and MCP use', async () => {
    const s = service();
    const response = await dispatchApi(s, 'budget.set', { daily_limit: 2.5 }, GUI);
    expect(response.ok).toBe(true);
    expect(s.config.current().budget.daily_limit).toBe(2.5);
  });
});
