import { z } from 'zod';
import { RoutingConfigSchema } from './config.js';
import type { ProviderId } from './providers.js';

// The same rules routing_config.json is held to (snake_case task types, known providers).
const routingTable = RoutingConfigSchema.shape.routing.unwrap();
const fallbackOrder = RoutingConfigSchema.shape.fallback_order.unwrap();

/**
 * Edits the routing table and/or the fallback order of routing_config.json. `routing` sets the
 * task types it names and keeps the others; `fallback_order` replaces the whole list.
 */
export const UpdateRoutingInputSchema = z
  .strictObject({
    routing: routingTable
      .refine((table) => Object.keys(table).length <= 64, { message: 'at most 64 task types at once' })
      .optional(),
    fallback_order: fallbackOrder
      .refine((order) => new Set(order).size === order.length, { message: 'each provider may appear only once' })
      .optional(),
  })
  .refine((v) => v.routing !== undefined || v.fallback_order !== undefined, {
    message: 'nothing to change: give routing, fallback_order or both',
  });
export type UpdateRoutingInput = z.input<typeof UpdateRoutingInputSchema>;

export interface UpdateRoutingResult {
  routing: Record<string, ProviderId>;
  fallback_order: ProviderId[];
  path: string;
}
