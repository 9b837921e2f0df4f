import { useEffect, useState } from 'react';
import type { ProviderStats } from '../../src-main/shared/provider-stats.js';
import { useAction, useApi } from '../api/context.js';
import { HealthDot } from '../components/HealthDot.js';

/** Providers and routing: enable/disable, base URL, health and latency, routing table, fallback order, advice. */
export function Providers(): React.JSX.Element {
  const stats = useApi('providers.stats', {});
  const config = useApi('config.get', {});
  const recs = useApi('routing.recommendations', {});
  const error = stats.error ?? config.error;
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!stats.data || !config.data) return <p className="muted" aria-busy="true">Loading…</p>;
  const cfg = config.data;
  return (
    <div className="providers">
      <section aria-labelledby="prov-title" className="card">
        <h2 id="prov-title">Providers</h2>
        <ul className="provider-list" data-testid="provider-list">
          {stats.data.providers.map((p) => (
            <ProviderRow key={p.provider} stats={p} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="routing-title" className="card">
        <h2 id="routing-title">Routing</h2>
        <table className="compact" data-testid="routing-table">
          <thead>
            <tr>
              <th scope="col">Task type</th>
              <th scope="col">Configured</th>
              <th scope="col">Routes now to</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(cfg.routing).map(([task, provider]) => {
              const now = recs.data?.tasks.find((t) => t.task_type === task)?.current;
              return (
                <tr key={task}>
                  <th scope="row">{task}</th>
                  <td>{provider}</td>
                  <td>{now ? `${now.provider}${now.model ? ` (${now.model})` : ''}` : recs.data ? 'nothing available' : '…'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <p>
          Fallback order: <strong>{cfg.fallback_order.join(' → ') || 'none'}</strong>
        </p>
      </section>
      {recs.data && recs.data.advice.length > 0 && (
        <section aria-labelledby="advice-title" className="card">
          <h2 id="advice-title">Recommendations</h2>
          <ul className="advice">
            {recs.data.advice.map((a, i) => (
              <li key={`${a.kind}-${a.provider}-${i}`}>{a.message}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function ProviderRow({ stats }: { stats: ProviderStats }): React.JSX.Element {
  const act = useAction();
  const [baseUrl, setBaseUrl] = useState(stats.base_url);
  // Shown at once; put back if the change is refused.
  const [enabled, setEnabled] = useState(stats.enabled);
  useEffect(() => setEnabled(stats.enabled), [stats.enabled]);
  const [message, setMessage] = useState<string | null>(null);
  const id = `prov-${stats.provider}`;
  const update = (patch: { enabled?: boolean; base_url?: string | null }): void => {
    setMessage(null);
    if (patch.enabled !== undefined) setEnabled(patch.enabled);
    act('providers.update', { provider: stats.provider, ...patch }).then(
      () => setMessage('Saved.'),
      (err: unknown) => {
        setEnabled(stats.enabled);
        setMessage(err instanceof Error ? err.message : 'Saving failed.');
      },
    );
  };
  const latency = stats.health.status === 'down' ? null : (stats.health.latency_ms ?? stats.latency_p50_ms);
  return (
    <li className="provider-row" data-testid={id}>
      <div className="key-main">
        <HealthDot health={stats.enabled ? stats.health.status : 'unknown'} />
        <strong>{stats.provider}</strong>
        <span className="muted">
          {stats.enabled ? stats.health.status : 'disabled'}
          {latency !== null ? ` · ${latency} ms` : ''}
          {stats.success_rate !== null ? ` · ${Math.round(stats.success_rate * 100)}% ok` : ''}
          {` · ${stats.has_key ? `${stats.keys.length} key${stats.keys.length === 1 ? '' : 's'}` : 'no key'}`}
        </span>
        <label className="check push-right">
          <input type="checkbox" checked={enabled} onChange={(e) => update({ enabled: e.target.checked })} /> Enabled
        </label>
      </div>
      {stats.health.detail && <p className="muted small">{stats.health.detail}</p>}
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          update({ base_url: baseUrl.trim() === '' ? null : baseUrl.trim() });
        }}
      >
        <label htmlFor={`${id}-url`}>Base URL</label>
        <input id={`${id}-url`} value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} spellCheck={false} />
        <button type="submit">Save</button>
      </form>
      {message && (
        <p className="muted small" role="status">
          {message}
        </p>
      )}
    </li>
  );
}
