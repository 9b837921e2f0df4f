import { useRef, useState } from 'react';
import { MAX_RECENT_LIMIT, isTrouble, statusText, tokenSummary, type RecentRequest } from '../../src-main/shared/activity.js';
import { formatUsd } from '../../src-main/shared/format.js';
import type { ProviderId } from '../../src-main/shared/providers.js';
import { useApi } from '../api/context.js';
import { ProviderOptions } from '../components/ProviderOptions.js';

const PAGE = 50;
const ACCESS_DAYS = 7;

/**
 * Activity: every request Keyway recorded, newest first (gateway, exec and track_request), read
 * again on each change notice so new ones appear by themselves; then the gateway's access log.
 */
export function Activity(): React.JSX.Element {
  const [provider, setProvider] = useState<ProviderId | ''>('');
  const [client, setClient] = useState('');
  const [project, setProject] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const filters = { ...(provider ? { provider } : {}), ...(client ? { client } : {}), ...(project ? { project } : {}) };
  const { data, error } = useApi('usage.recent', { limit, ...filters });
  // Names seen so far, so a filter keeps offering the others while it narrows the feed.
  const seen = useRef({ clients: new Set<string>(), projects: new Set<string>() });
  for (const r of data?.requests ?? []) {
    if (r.client) seen.current.clients.add(r.client);
    if (r.project) seen.current.projects.add(r.project);
  }
  const sorted = (set: Set<string>): string[] => [...set].sort((a, b) => a.localeCompare(b));
  return (
    <div className="activity">
      <section aria-labelledby="feed-title" className="card">
        <h2 id="feed-title">Recent requests</h2>
        <div className="filters" role="group" aria-label="Filters">
          <div>
            <label htmlFor="filter-provider">Provider</label>
            <select id="filter-provider" value={provider} onChange={(e) => setProvider(e.target.value as ProviderId | '')}>
              <option value="">all</option>
              <ProviderOptions />
            </select>
          </div>
          <div>
            <label htmlFor="filter-client">Client</label>
            <select id="filter-client" value={client} onChange={(e) => setClient(e.target.value)}>
              <option value="">all</option>
              {sorted(seen.current.clients).map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="filter-project">Project</label>
            <select id="filter-project" value={project} onChange={(e) => setProject(e.target.value)}>
              <option value="">all</option>
              {sorted(seen.current.projects).map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        </div>
        {error && <p className="error" role="alert">{error}</p>}
        {!data && !error && <p className="muted" aria-busy="true">Loading…</p>}
        {data && data.requests.length === 0 && (
          <p className="muted">No requests yet. Point a client at the gateway (keyway exec -- your-command) or track one over MCP.</p>
        )}
        {data && data.requests.length > 0 && (
          <ol className="feed" aria-label="Recent requests" data-testid="activity-feed">
            {data.requests.map((r) => (
              <FeedRow key={r.id} request={r} />
            ))}
          </ol>
        )}
        {data?.next_before && limit < MAX_RECENT_LIMIT && (
          <div className="row-actions">
            <button onClick={() => setLimit((n) => Math.min(MAX_RECENT_LIMIT, n + PAGE))}>Show older</button>
          </div>
        )}
      </section>
      <AccessLog />
    </div>
  );
}

/** The time alone for today's requests, the date too for older ones. */
function shortTime(iso: string): string {
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : date.toLocaleString();
}

function FeedRow({ request: r }: { request: RecentRequest }): React.JSX.Element {
  const trouble = isTrouble(r);
  const ms = (value: number | null): string => (value === null ? '–' : `${value.toLocaleString('en-US')} ms`);
  return (
    <li className={`feed-row${trouble ? ` trouble status-${r.status}` : ''}`} data-testid={`request-${r.id}`} data-status={r.status}>
      <div className="feed-main">
        <span className={`badge ${trouble ? 'badge-trouble' : 'badge-ok'}`}>{statusText(r)}</span>
        <time dateTime={r.time} className="muted">
          {shortTime(r.time)}
        </time>
        <span className="feed-model">
          <span className={`swatch fill-${r.provider}`} aria-hidden="true" /> {r.provider}/{r.model}
        </span>
        <span className="num push-right" aria-label="cost">
          {formatUsd(r.cost_usd)}
        </span>
      </div>
      <div className="feed-meta muted">
        <span aria-label="client">{r.client ?? 'no client'}</span>
        {r.project && (
          <>
            {' · '}
            <span aria-label="project">{r.project}</span>
          </>
        )}
        {' · '}
        <span aria-label="tokens">{tokenSummary(r)}</span>
        {' · '}
        <span>latency {ms(r.latency_ms)}</span>
        {r.ttfb_ms !== null && <span> · first byte {ms(r.ttfb_ms)}</span>}
      </div>
      {r.detail && <p className="feed-detail small">{r.detail}</p>}
    </li>
  );
}

/** The gateway's access log for keys: requests per day, provider key and client (aggregated). */
function AccessLog(): React.JSX.Element {
  const { data, error } = useApi('audit.access', { days: ACCESS_DAYS });
  return (
    <section aria-labelledby="access-title" className="card">
      <h2 id="access-title">Key access, last {ACCESS_DAYS} days</h2>
      {error && <p className="error" role="alert">{error}</p>}
      {data && data.rows.length === 0 && <p className="muted">No gateway requests used a key in the last {ACCESS_DAYS} days.</p>}
      {data && data.rows.length > 0 && (
        <table className="compact" aria-labelledby="access-title" data-testid="access-log">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Key</th>
              <th scope="col">Client</th>
              <th scope="col" className="num">Requests</th>
              <th scope="col" className="num">Failed</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((row) => (
              <tr key={`${row.day}|${row.provider}|${row.key_label ?? ''}|${row.client ?? ''}`}>
                <td>{row.day}</td>
                <td>
                  {row.provider}/{row.key_label ?? 'no key'}
                </td>
                <td>{row.client ?? '–'}</td>
                <td className="num">{row.requests}</td>
                <td className="num">{row.failures}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
