import { UpdateRoutingInputSchema, type UpdateRoutingResult } from '../../shared/routing-update.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CallContext } from '../call-context.js';
import { isKeywayError } from '../errors.js';
import type { ServiceEvents } from '../events.js';
import { parseInput } from '../parse-input.js';
import type { ConfigStore } from './config-store.js';

export interface RoutingUpdateDeps {
  config: ConfigStore;
  audit: AuditLog;
  events: ServiceEvents;
}

/**
 * Sets task types in the routing table and/or replaces the fallback order in routing_config.json,
 * keeping every other field of the file (unknown ones too). Audited like a provider change.
 */
export async function updateRouting(deps: RoutingUpdateDeps, input: unknown, ctx: CallContext): Promise<UpdateRoutingResult> {
  const parsed = parseInput(UpdateRoutingInputSchema, input);
  const detail = [
    ...Object.entries(parsed.routing ?? {}).map(([task, provider]) => `${task}=${provider}`),
    ...(parsed.fallback_order ? [`fallback_order=${parsed.fallback_order.join('>')}`] : []),
  ].join(' ');
  try {
    const next = await deps.config.update((raw) => {
      if (parsed.routing) {
        const table = typeof raw.routing === 'object' && raw.routing !== null && !Array.isArray(raw.routing) ? (raw.routing as Record<string, unknown>) : {};
        raw.routing = { ...table, ...parsed.routing };
      }
      if (parsed.fallback_order) raw.fallback_order = parsed.fallback_order;
    });
    await deps.audit.append({ actor: ctx.actor, action: 'config.update_routing', outcome: 'ok', detail });
    deps.events.emit('config.changed', { path: deps.config.path, ok: true, error: null });
    return { routing: next.routing, fallback_order: next.fallback_order, path: deps.config.path };
  } catch (error) {
    await deps.audit.append({ actor: ctx.actor, action: 'config.update_routing', outcome: 'error', error_code: isKeywayError(error) ? error.code : 'internal' });
    throw error;
  }
}
