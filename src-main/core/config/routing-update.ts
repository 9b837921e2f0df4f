import type { UpdateRoutingInputSchema, UpdateRoutingResult } from '../../shared/routing-update.js';
import type { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import type { CallContext } from '../call-context.js';
import type { ServiceEvents } from '../events.js';
import { change } from './config-change.js';

type UpdateRoutingParsed = z.output<typeof UpdateRoutingInputSchema>;
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
export async function updateRouting(deps: RoutingUpdateDeps, parsed: UpdateRoutingParsed, ctx: CallContext): Promise<UpdateRoutingResult> {
  const detail = [
    ...Object.entries(parsed.routing ?? {}).map(([task, provider]) => `${task}=${provider}`),
    ...(parsed.fallback_order ? [`fallback_order=${parsed.fallback_order.join('>')}`] : []),
  ].join(' ');
  return change(deps, 'config.update_routing', ctx, async () => {
    const next = await deps.config.update((raw) => {
      if (parsed.routing) {
        const table = typeof raw.routing === 'object' && raw.routing !== null && !Array.isArray(raw.routing) ? (raw.routing as Record<string, unknown>) : {};
        raw.routing = { ...table, ...parsed.routing };
      }
      if (parsed.fallback_order) raw.fallback_order = parsed.fallback_order;
    });
    return { result: { routing: next.routing, fallback_order: next.fallback_order, path: deps.config.path }, detail, notice: { config: deps.config.path } };
  });
}
