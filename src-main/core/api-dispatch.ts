import {
  API_INPUTS,
  isApiChannel,
  type ApiChannel,
  type ApiParsedInput,
  type ApiResponse,
  type ApiResult,
} from '../shared/api-contract.js';
import type { CallContext } from './call-context.js';
import { buildDashboard } from './dashboard.js';
import { KeywayError, toErrorInfo } from './errors.js';
import { parseInput } from './parse-input.js';
import type { KeywayService } from './service.js';

type Handlers = { [C in ApiChannel]: (input: ApiParsedInput<C>, ctx: CallContext) => ApiResult<C> | Promise<ApiResult<C>> };

/** Each channel of the app API, mapped onto the service. No rule lives here, only the wiring. */
function handlersFor(service: KeywayService): Handlers {
  return {
    'dashboard.get': () => buildDashboard(service),
    'keys.list': (input) => service.listKeys(input),
    'keys.add': (input, ctx) => service.addKey(input, ctx),
    'keys.rotate': (input, ctx) => service.rotateKey(input, ctx),
    'keys.remove': (input, ctx) => service.removeKey(input, ctx),
    'keys.validate': (input, ctx) => service.validateKey(input.provider, input.label, { offline: input.offline }, ctx),
    'usage.get': (input) => service.getUsage(input),
    'budget.check': () => service.checkBudget(),
    'budget.set': (input, ctx) => service.setBudget(input, ctx),
    'providers.stats': (input) => service.getProviderStats(input),
    'providers.update': ({ provider, ...patch }, ctx) => service.updateProviderConfig(provider, patch, ctx),
    'prices.list': (input) => service.listPrices(input),
    'routing.recommendations': (input) => service.getRoutingRecommendations(input),
    'routing.update': (input, ctx) => service.updateRouting(input, ctx),
    'settings.get': () => service.appSettings(),
    'settings.update': (input, ctx) => service.updateAppSettings(input, ctx),
    'config.get': () => service.config.current(),
    'audit.list': (input) => service.auditEntries(input.limit),
  };
}

/**
 * The one entry for the app API, shared by Electron IPC and HTTP `/api`: checks the channel name,
 * validates the untrusted input with the contract's schema and calls the service. Failures come
 * back as `{ ok: false, error }`, never as a thrown error.
 */
export async function dispatchApi(service: KeywayService, channel: unknown, input: unknown, ctx: CallContext): Promise<ApiResponse<ApiChannel>> {
  try {
    if (!isApiChannel(channel)) {
      throw new KeywayError('invalid_input', `Unknown API channel ${JSON.stringify(String(channel)).slice(0, 80)}. Use one of: ${Object.keys(API_INPUTS).join(', ')}.`);
    }
    const parsed = parseInput(API_INPUTS[channel], input ?? {});
    const handler = handlersFor(service)[channel] as (input: unknown, ctx: CallContext) => unknown;
    return { ok: true, result: (await handler(parsed, ctx)) as ApiResult<ApiChannel> };
  } catch (error) {
    return { ok: false, error: toErrorInfo(error) };
  }
}
