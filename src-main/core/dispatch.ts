import type { ApiResponse } from '../shared/api-contract.js';
import type { Caller } from '../shared/caller.js';
import { CHANNEL_NAMES, CHANNELS, isChannel, type Channel, type ChannelParsed, type ChannelResult } from '../shared/channels.js';
import { isProviderId } from '../shared/providers.js';
import { readAppSettings, updateAppSettings } from './app-settings.js';
import { authorize } from './authority.js';
import { updateRouting } from './config/routing-update.js';
import { buildDashboard } from './dashboard.js';
import { KeywayError, isKeywayError, toErrorInfo } from './errors.js';
import { parseInput } from './parse-input.js';
import type { KeywayService } from './service.js';

type Handlers = { [C in Channel]: (input: ChannelParsed<C>, caller: Caller) => ChannelResult<C> | Promise<ChannelResult<C>> };

/** Each channel mapped onto the part of the service that owns it. No rule lives here, only the wiring. */
function handlersFor(s: KeywayService): Handlers {
  const settingsDeps = { dataDir: s.dataDir, settings: s.settings, audit: s.auditLog, events: s.events };
  return {
    'dashboard.get': () => buildDashboard(s),
    'keys.list': (input) => s.keys.list(input),
    'keys.add': (input, caller) => s.keys.add(input, caller),
    'keys.rotate': (input, caller) => s.keys.rotate(input, caller),
    'keys.remove': (input, caller) => s.keys.remove(input, caller),
    'keys.validate': (input, caller) => s.providers.validateKey(input, caller),
    'keys.validate_all': (input, caller) => s.providers.validateAllKeys(input, caller),
    'keys.check_formats': (input, caller) => s.keys.checkFormats(input.provider, caller),
    'keys.export': (input, caller) => s.keys.exportTo(input.path, input.passphrase, caller),
    'keys.import': (input, caller) => s.keys.importFrom(input.path, input.passphrase, caller),
    'usage.get': (input) => s.usage.getUsage(input),
    'usage.track': (input, caller) => s.accounting.track(input, caller),
    'usage.export': (input) => s.accounting.exportUsage(input),
    'usage.recent': (input) => s.accounting.recentRequests(input),
    'usage.estimate': (input) => s.accounting.estimate(input),
    'usage.count_tokens': (input) => s.accounting.countTokens(input.provider, input.model, input.text),
    'prices.list': (input) => s.accounting.listPrices(input),
    'prices.update': () => s.accounting.updatePrices(),
    'budget.check': () => s.budget.check(),
    'budget.set': (input, caller) => s.accounting.setBudget(input, caller),
    'budget.reserve': (input) => s.budget.reserve(input),
    'budget.settle': (input) => s.budget.settle(input),
    'budget.release': (input) => s.budget.release(input),
    'providers.stats': (input) => s.providers.stats(input),
    'providers.check_local': () => s.providers.checkLocal(),
    'providers.update': (input, caller) => s.providers.updateProviderConfig(input, caller),
    'routing.route': (input) => s.providers.route(input),
    'routing.best_for_cost': (input) => s.providers.bestForCost(input),
    'routing.recommendations': (input) => s.providers.recommendations(input),
    'routing.update': (input, caller) => updateRouting({ config: s.config, audit: s.auditLog, events: s.events }, input, caller),
    'settings.get': () => readAppSettings(settingsDeps),
    'settings.update': (input, caller) => updateAppSettings(settingsDeps, input, caller),
    'config.get': () => s.config.current(),
    'audit.list': (input) => s.auditLog.read(input.limit),
    'audit.verify': () => s.auditLog.verify(),
    'audit.access': (input) => s.gatewayAccess(input.days),
    'tokens.list': (input) => ({ tokens: s.tokens.list(input.kind) }),
    'tokens.create': (input, caller) => audited(s, caller, 'token.create', `${input.kind} ${input.name}`, () => s.tokens.create(input)),
    'tokens.revoke': (input, caller) => audited(s, caller, 'token.revoke', input.id, () => s.tokens.revoke(input.id)),
  };
}

/** Runs a change that has no audit of its own and records its outcome (never the token itself). */
async function audited<T>(s: KeywayService, caller: Caller, action: string, detail: string, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    await s.auditLog.append({ actor: caller.actor, action, outcome: 'ok', detail });
    return result;
  } catch (error) {
    await s.auditLog.append({ actor: caller.actor, action, outcome: 'error', error_code: isKeywayError(error) ? error.code : 'internal', detail });
    throw error;
  }
}

const handlers = new WeakMap<KeywayService, Handlers>();

/**
 * The one entry for every front: checks the channel name, validates the untrusted input once with
 * the channel's schema, asks the authority check whether this caller may make this call (a refusal
 * is audited with the real actor), then runs it. The caller was built by the front from its
 * transport and token; nothing in `input` can change who is calling.
 */
export async function dispatch<C extends Channel>(service: KeywayService, channel: C, input: unknown, caller: Caller): Promise<ChannelResult<C>>;
export async function dispatch(service: KeywayService, channel: unknown, input: unknown, caller: Caller): Promise<unknown>;
export async function dispatch(service: KeywayService, channel: unknown, input: unknown, caller: Caller): Promise<unknown> {
  if (!isChannel(channel)) {
    throw new KeywayError('invalid_input', `Unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}. Use one of: ${CHANNEL_NAMES.join(', ')}.`);
  }
  const settings = () => service.settings.read().app;
  const refused = refusal(() => authorize(channel, undefined, caller, settings));
  if (refused) await refuse(service, channel, input, caller, refused);
  const parsed = parseInput(CHANNELS[channel].input, input ?? {}) as ChannelParsed<Channel>;
  const refusedParsed = refusal(() => authorize(channel, parsed, caller, settings));
  if (refusedParsed) await refuse(service, channel, parsed, caller, refusedParsed);
  let table = handlers.get(service);
  if (!table) handlers.set(service, (table = handlersFor(service)));
  return (table[channel] as (input: unknown, caller: Caller) => unknown)(parsed, caller);
}

/** dispatch, answering the `{ ok, result | error }` envelope of IPC and `/api` instead of throwing. */
export async function dispatchToResponse(service: KeywayService, channel: unknown, input: unknown, caller: Caller): Promise<ApiResponse<Channel>> {
  try {
    const result = await dispatch(service, channel, input, caller);
    if (isChannel(channel) && 'stream' in CHANNELS[channel]) {
      throw new KeywayError('invalid_input', `${channel} streams its result; use the keyway CLI (keyway usage export).`);
    }
    return { ok: true, result: result as ChannelResult<Channel> };
  } catch (error) {
    return { ok: false, error: toErrorInfo(error) };
  }
}

/** Runs an authority check: the refusal it throws, or null. Any other error goes on up. */
function refusal(check: () => void): KeywayError | null {
  try {
    check();
    return null;
  } catch (error) {
    if (isKeywayError(error) && error.code === 'forbidden') return error;
    throw error;
  }
}

/** Audits a refusal with the real caller, then throws it (checks that pass cost no promise; only a refusal waits for its audit). */
async function refuse(service: KeywayService, channel: Channel, input: unknown, caller: Caller, error: KeywayError): Promise<never> {
  const provider = typeof input === 'object' && input !== null && 'provider' in input ? (input as { provider: unknown }).provider : null;
  await service.auditLog.append({
    actor: caller.actor,
    action: CHANNELS[channel].action,
    provider: isProviderId(provider) ? provider : null,
    outcome: 'error',
    error_code: 'forbidden',
    detail: `refused for ${caller.principal}${error.remedy ? `; owner can: ${error.remedy.action}` : ''}`,
  });
  throw error;
}
