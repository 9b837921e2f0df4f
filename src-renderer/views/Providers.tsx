import { useApi } from '../api/context.js';
import { HealthDot } from '../components/HealthDot.js';
import { PROVIDER_IDS } from '../../src-main/shared/providers.js';

/** Providers and routing: status per provider, the task routing table and the fallback order. */
export function Providers(): React.JSX.Element {
  const config = useApi('config.get', {});
  const dashboard = useApi('dashboard.get', {});
  const error = config.error ?? dashboard.error;
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!config.data || !dashboard.data) return <p className="muted" aria-busy="true">Loading…</p>;
  const cfg = config.data;
  return (
    <div className="providers">
      <section aria-labelledby="prov-title" className="card">
        <h2 id="prov-title">Providers</h2>
        <table className="compact" data-testid="provider-table">
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Enabled</th>
              <th scope="col">Health</th>
              <th scope="col">Base URL</th>
            </tr>
          </thead>
          <tbody>
            {PROVIDER_IDS.map((provider) => {
              const pc = cfg.providers[provider];
              const dot = dashboard.data!.providers.find((p) => p.provider === provider);
              return (
                <tr key={provider}>
                  <th scope="row">{provider}</th>
                  <td>{pc?.enabled ? 'yes' : 'no'}</td>
                  <td>
                    <HealthDot health={dot?.health ?? 'unknown'} /> {dot?.latency_ms != null ? `${dot.latency_ms} ms` : (dot?.health ?? 'unknown')}
                  </td>
                  <td className="url">{pc?.base_url ?? 'default'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="routing-title" className="card">
        <h2 id="routing-title">Routing</h2>
        <table className="compact" data-testid="routing-table">
          <thead>
            <tr>
              <th scope="col">Task type</th>
              <th scope="col">Provider</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(cfg.routing).map(([task, provider]) => (
              <tr key={task}>
                <th scope="row">{task}</th>
                <td>{provider}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          Fallback order: <strong>{cfg.fallback_order.join(' → ') || 'none'}</strong>
        </p>
      </section>
    </div>
  );
}
