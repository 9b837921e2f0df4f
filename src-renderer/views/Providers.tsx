import { useEffect, useState } from 'react';
import type { RoutingConfig } from '../../src-main/shared/config.js';
import type { ModelPriceView } from '../../src-main/shared/prices.js';
import type { ProviderStats } from '../../src-main/shared/provider-stats.js';
import { PROVIDER_IDS, type ProviderId } from '../../src-main/shared/providers.js';
import type { RoutingRecommendations } from '../../src-main/shared/routing.js';
import { useAction, useApi } from '../api/context.js';
import { HealthDot } from '../components/HealthDot.js';
import { ProviderOptions } from '../components/ProviderOptions.js';

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
      <RoutingCard config={cfg} recs={recs.data} />
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

/** The routing table (one provider per task type) and the fallback order, both editable. */
function RoutingCard({ config, recs }: { config: RoutingConfig; recs: RoutingRecommendations | null }): React.JSX.Element {
  const act = useAction();
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const save = (input: { routing?: Record<string, ProviderId>; fallback_order?: ProviderId[] }, what: string): void => {
    setMessage(null);
    act('routing.update', input).then(
      () => setMessage({ text: `Saved ${what}.`, ok: true }),
      (err: unknown) => setMessage({ text: err instanceof Error ? err.message : 'Saving failed.', ok: false }),
    );
  };
  // The price of each model a task routes to now, and the date of the price data in force.
  const routed = [...new Map((recs?.tasks ?? []).flatMap((t) => (t.current?.model ? [[`${t.current.provider}/${t.current.model}`, { provider: t.current.provider, model: t.current.model }] as const] : []))).values()];
  const prices = useApi('prices.list', { models: routed });
  const order = config.fallback_order;
  const missing = PROVIDER_IDS.filter((p) => !order.includes(p));
  const moved = (from: number, to: number): ProviderId[] => {
    const next = [...order];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    return next;
  };
  return (
    <section aria-labelledby="routing-title" className="card">
      <h2 id="routing-title">Routing</h2>
      <table className="compact routing" data-testid="routing-table">
        <thead>
          <tr>
            <th scope="col">Task type</th>
            <th scope="col">Configured</th>
            <th scope="col">Routes now to (price per 1M in / out)</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(config.routing).map(([task, provider]) => {
            const now = recs?.tasks.find((t) => t.task_type === task)?.current;
            return (
              <tr key={task}>
                <th scope="row">{task}</th>
                <td>
                  <select aria-label={`Provider for ${task}`} value={provider} onChange={(e) => save({ routing: { [task]: e.target.value as ProviderId } }, `${task} → ${e.target.value}`)}>
                    <ProviderOptions />
                  </select>
                </td>
                <td>
                  {now ? now.provider : recs ? 'nothing available' : '…'}
                  {now?.model && <span className="route-model">{now.model}</span>}
                  {now?.model && (
                    <span className="route-model" data-testid={`route-price-${task}`}>
                      <RoutedPrice view={prices.data?.models.find((m) => m.provider === now.provider && m.model === now.model)} />
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {prices.data && (
        <p className="muted small" data-testid="price-data">
          Prices: {prices.data.data.version}, {prices.data.data.kind === 'bundled' ? 'bundled data of' : 'updated'} {prices.data.data.date}
          {prices.data.overrides.state === 'ok' ? ', with your prices.json' : ''}
          {prices.data.overrides.state === 'invalid' ? ' (prices.json is invalid; see keyway prices)' : ''}
        </p>
      )}
      <h3 id="fallback-title">
        Fallback order
      </h3>
      {order.length === 0 && <p className="muted small">No fallback: a task whose provider is unavailable is refused.</p>}
      <ol className="fallback" aria-labelledby="fallback-title" data-testid="fallback-order">
        {order.map((p, i) => (
          <li key={p}>
            <span className="fallback-rank">{i + 1}.</span>
            <span className="fallback-name">{p}</span>
            <button type="button" aria-label={`Move ${p} up`} disabled={i === 0} onClick={() => save({ fallback_order: moved(i, i - 1) }, 'the fallback order')}>
              ↑
            </button>
            <button type="button" aria-label={`Move ${p} down`} disabled={i === order.length - 1} onClick={() => save({ fallback_order: moved(i, i + 1) }, 'the fallback order')}>
              ↓
            </button>
            <button type="button" aria-label={`Remove ${p} from the fallback order`} onClick={() => save({ fallback_order: order.filter((q) => q !== p) }, 'the fallback order')}>
              ✕
            </button>
          </li>
        ))}
      </ol>
      {missing.length > 0 && (
        <div className="row-actions">
          {missing.map((p) => (
            <button type="button" key={p} onClick={() => save({ fallback_order: [...order, p] }, 'the fallback order')}>
              Add {p}
            </button>
          ))}
        </div>
      )}
      {message && (
        <p className={`small ${message.ok ? 'ok-text' : 'error'}`} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}

const perMillion = (usd: number): string => `$${Number(usd.toFixed(6))}`;

/** "$3 / $15", the entry it is priced as when that differs, and where the price comes from. */
function RoutedPrice({ view }: { view: ModelPriceView | undefined }): React.JSX.Element {
  if (!view) return <span>…</span>;
  if (!view.current) return <span>unpriced</span>;
  const source = view.source === 'override' ? 'prices.json' : view.source === 'catalog' ? 'catalog' : view.source === 'seed' ? 'seed rate' : 'free';
  const tiers = view.current.tiers.map((t) => ` (above ${t.above_input_tokens.toLocaleString('en-US')} in: ${perMillion(t.input)} / ${perMillion(t.output)})`).join('');
  return (
    <span title={`${source}${view.price_version ? `, ${view.price_version}` : ''}; cache read ${perMillion(view.current.rates.cache_read)}`}>
      {perMillion(view.current.rates.input)} / {perMillion(view.current.rates.output)}
      {tiers}
      {view.source !== 'local' && view.priced_as && view.priced_as !== view.model && <> as {view.priced_as}</>}
    </span>
  );
}
