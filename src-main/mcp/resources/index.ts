import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { McpDeps } from '../deps.js';
import { providersDocument, RESOURCE_TRIGGERS, RESOURCE_URIS, routingDocument, usageDocument, type ResourceUri } from './documents.js';

/** How long a burst of changes is gathered into one notifications/resources/updated. */
export const RESOURCE_UPDATE_DEBOUNCE_MS = 200;

const json = (uri: string, value: object) => ({ contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] });

/** Registers api://providers, api://usage, api://routing and their subscriptions; returns the cleanup. */
export function registerResources(server: McpServer, deps: McpDeps): () => void {
  const { service } = deps;
  server.registerResource(
    'providers',
    RESOURCE_URIS.providers,
    { title: 'Providers', description: 'Each provider\'s configuration and status: enabled, models, keys (masked), health, circuit, request and cost counters.', mimeType: 'application/json' },
    (uri) => json(uri.href, providersDocument(service)),
  );
  server.registerResource(
    'usage',
    RESOURCE_URIS.usage,
    { title: 'Usage dashboard', description: 'Requests, tokens and cost for today, this month and the last 30 days, with the budget status.', mimeType: 'application/json' },
    (uri) => json(uri.href, usageDocument(service)),
  );
  server.registerResource(
    'routing',
    RESOURCE_URIS.routing,
    { title: 'Routing', description: 'The routing table (task type to provider), the fallback order and current recommendations.', mimeType: 'application/json' },
    (uri) => json(uri.href, routingDocument(service)),
  );
  return subscriptions(server, deps);
}

/** resources/subscribe support: service events mark documents dirty; each is announced once per debounce window. */
function subscriptions(server: McpServer, deps: McpDeps): () => void {
  const subscribed = new Set<ResourceUri>();
  const timers = new Map<ResourceUri, NodeJS.Timeout>();
  const known = new Set<string>(Object.values(RESOURCE_URIS));

  server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
    if (known.has(request.params.uri)) subscribed.add(request.params.uri as ResourceUri);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    subscribed.delete(request.params.uri as ResourceUri);
    return {};
  });

  const changed = (uri: ResourceUri) => {
    if (!subscribed.has(uri) || timers.has(uri)) return;
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        if (server.isConnected()) server.server.sendResourceUpdated({ uri }).catch(() => {});
      }, RESOURCE_UPDATE_DEBOUNCE_MS),
    );
  };
  const offs = (Object.entries(RESOURCE_TRIGGERS) as Array<[ResourceUri, string[]]>).flatMap(([uri, events]) =>
    events.map((name) => deps.service.events.on(name as never, () => changed(uri))),
  );
  return () => {
    offs.forEach((off) => off());
    timers.forEach((timer) => clearTimeout(timer));
    timers.clear();
  };
}
