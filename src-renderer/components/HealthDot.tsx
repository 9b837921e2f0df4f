import type { ProviderHealth } from '../../src-main/shared/dashboard.js';

export function HealthDot({ health }: { health: ProviderHealth }): React.JSX.Element {
  return <span className={`dot dot-${health}`} role="img" aria-label={health} title={health} />;
}
