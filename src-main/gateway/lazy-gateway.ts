import type { Gateway, GatewayDeps } from './gateway.js';
import { isGatewayPath } from './paths.js';

/**
 * The gateway as the long-lived server mounts it: its module (undici pools, SSE parsing, model
 * limits) loads with the first gateway request, so a tray app or `keyway serve` that never proxies
 * does not carry it.
 */
export function lazyGateway(deps: GatewayDeps): Gateway {
  let loading: Promise<Gateway> | undefined;
  const gateway = (): Promise<Gateway> => (loading ??= import('./gateway.js').then(({ createGateway }) => createGateway(deps)));
  return {
    route: async (req, res, url) => (isGatewayPath(url.pathname) ? (await gateway()).route(req, res, url) : false),
    close: async () => {
      if (loading) await (await loading).close();
    },
  };
}
