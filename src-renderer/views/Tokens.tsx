import { useState } from 'react';
import { PROVIDER_IDS, type ProviderId } from '../../src-main/shared/providers.js';
import { formatUsd } from '../../src-main/shared/format.js';
import type { CreatedToken, TokenKind, TokenRecord } from '../../src-main/shared/tokens.js';
import { useAction, useApi } from '../api/context.js';

const EXPIRY: { label: string; seconds: number | null }[] = [
  { label: 'never', seconds: null },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 7 * 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
  { label: '90 days', seconds: 90 * 86_400 },
  { label: '1 year', seconds: 365 * 86_400 },
];

const KIND_TEXT: Record<TokenKind, string> = {
  dashboard: 'dashboard (opens this GUI)',
  editor: 'editor (MCP)',
  gateway: 'gateway',
};

function when(iso: string | null, none: string): string {
  return iso ? new Date(iso).toLocaleString() : none;
}

/** Local tokens: who may open Keyway (editors over MCP, programs through the gateway), each revocable. */
export function Tokens(): React.JSX.Element {
  const { data, error } = useApi('tokens.list', {});
  const [created, setCreated] = useState<CreatedToken | null>(null);
  return (
    <div className="tokens">
      <CreateTokenForm onCreated={setCreated} />
      {created && <NewToken created={created} onDone={() => setCreated(null)} />}
      <section aria-labelledby="tokens-title" className="card">
        <h2 id="tokens-title">Tokens</h2>
        {error && <p className="error" role="alert">{error}</p>}
        {data && data.tokens.length === 0 && <p className="muted">No tokens yet.</p>}
        {data && data.tokens.length > 0 && (
          <ul className="key-list" aria-label="Tokens" data-testid="token-list">
            {data.tokens.map((t) => (
              <TokenRow key={t.id} record={t} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function scopeText(record: TokenRecord): string {
  const parts = [
    record.scope.providers ? `providers ${record.scope.providers.join(', ')}` : record.kind === 'gateway' ? 'every provider' : null,
    record.scope.max_spend_usd !== undefined ? `max spend ${formatUsd(record.scope.max_spend_usd)}` : null,
    record.scope.project ? `project ${record.scope.project}` : null,
  ].filter((p): p is string => p !== null);
  return parts.join(' · ');
}

function TokenRow({ record }: { record: TokenRecord }): React.JSX.Element {
  const act = useAction();
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const expired = record.expires_at !== null && Date.parse(record.expires_at) <= Date.now();
  const state = record.revoked_at ? 'revoked' : expired ? 'expired' : 'active';
  const scope = scopeText(record);
  return (
    <li className="key-row" data-testid={`token-${record.name}`}>
      <div className="key-main">
        <strong>{record.name}</strong> <span className="label">{KIND_TEXT[record.kind]}</span>
        <code className="masked">{record.id}</code>
        <span className={`badge ${state === 'active' ? 'badge-valid' : 'badge-invalid'}`}>{state}</span>
      </div>
      <div className="key-meta muted">
        {scope && <span aria-label="scope">{scope} · </span>}
        <span>created {when(record.created_at, '–')}</span> · <span>expires {when(record.expires_at, 'never')}</span> ·{' '}
        <span>last used {when(record.last_used_at, 'not since Keyway started')}</span>
        {record.revoked_at && <span> · revoked {when(record.revoked_at, '')}</span>}
      </div>
      {message && <p className="error" role="alert">{message}</p>}
      {state === 'active' && !confirming && (
        <div className="row-actions">
          <button className="danger" onClick={() => setConfirming(true)}>
            Revoke
          </button>
        </div>
      )}
      {confirming && (
        <div className="confirm" role="group" aria-label={`Confirm revoking ${record.name}`}>
          <span>
            {record.kind === 'dashboard'
              ? 'This token opens this dashboard: revoking it signs this window out. Keyway makes a new one when it next starts (keyway serve or the tray app). Revoke anyway?'
              : `Revoke "${record.name}"? Programs using it are refused at once.`}
          </span>
          <button
            className="danger"
            autoFocus
            onClick={() => {
              act('tokens.revoke', { id: record.id }).then(
                () => setConfirming(false),
                (err: unknown) => {
                  setMessage(err instanceof Error ? err.message : 'Revoking failed.');
                  setConfirming(false);
                },
              );
            }}
          >
            Yes, revoke
          </button>
          <button onClick={() => setConfirming(false)}>Cancel</button>
        </div>
      )}
    </li>
  );
}

/** The plaintext token, shown this once. */
function NewToken({ created, onDone }: { created: CreatedToken; onDone: () => void }): React.JSX.Element {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <section aria-labelledby="new-token-title" className="card new-token">
      <h2 id="new-token-title">New token "{created.record.name}"</h2>
      <p>
        <strong>Copy it now: you won't see it again.</strong> Keyway keeps only its hash.
      </p>
      <input readOnly aria-label="Token to copy" value={created.token} onFocus={(e) => e.target.select()} spellCheck={false} />
      <div className="row-actions">
        <button
          className="primary"
          onClick={() => {
            navigator.clipboard.writeText(created.token).then(
              () => setCopied('Copied.'),
              () => setCopied('Copying was not allowed here; select the field and copy it yourself.'),
            );
          }}
        >
          Copy
        </button>
        <button onClick={onDone}>Done</button>
      </div>
      {copied && <p role="status" className="muted">{copied}</p>}
    </section>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (created: CreatedToken) => void }): React.JSX.Element {
  const act = useAction();
  const [kind, setKind] = useState<'gateway' | 'editor'>('gateway');
  const [name, setName] = useState('');
  const [providers, setProviders] = useState<ProviderId[]>([]);
  const [maxSpend, setMaxSpend] = useState('');
  const [project, setProject] = useState('');
  const [expiry, setExpiry] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toggle = (p: ProviderId, on: boolean): void => setProviders((list) => (on ? [...list, p] : list.filter((x) => x !== p)));
  return (
    <section aria-labelledby="create-token-title" className="card">
      <h2 id="create-token-title">Create a token</h2>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setError(null);
          setBusy(true);
          const seconds = EXPIRY[expiry]?.seconds ?? null;
          // The channel's schema judges every field; the form only passes what was filled in.
          const scope =
            kind === 'gateway'
              ? {
                  ...(providers.length > 0 ? { providers: PROVIDER_IDS.filter((p) => providers.includes(p)) } : {}),
                  ...(maxSpend.trim() !== '' ? { max_spend_usd: Number(maxSpend) } : {}),
                  ...(project.trim() !== '' ? { project: project.trim() } : {}),
                }
              : {};
          act('tokens.create', { kind, name: name.trim(), ...(seconds ? { expires_in_s: seconds } : {}), ...(Object.keys(scope).length > 0 ? { scope } : {}) })
            .then((created) => {
              onCreated(created);
              setName('');
              setMaxSpend('');
              setProject('');
              setProviders([]);
            })
            .catch((err: unknown) => setError(err instanceof Error ? err.message : 'Creating the token failed.'))
            .finally(() => setBusy(false));
        }}
      >
        <div className="grid2">
          <div>
            <label htmlFor="token-kind">Kind</label>
            <select id="token-kind" value={kind} onChange={(e) => setKind(e.target.value as 'gateway' | 'editor')}>
              <option value="gateway">gateway (programs, keyway exec)</option>
              <option value="editor">editor (MCP)</option>
            </select>
          </div>
          <div>
            <label htmlFor="token-name">Name</label>
            <input id="token-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. ci-agent" autoComplete="off" />
          </div>
        </div>
        {kind === 'gateway' && (
          <>
            <fieldset className="inline">
              <legend>Providers</legend>
              {PROVIDER_IDS.map((p) => (
                <label key={p}>
                  <input type="checkbox" checked={providers.includes(p)} onChange={(e) => toggle(p, e.target.checked)} /> {p}
                </label>
              ))}
            </fieldset>
            <p className="muted small">None ticked: every provider.</p>
            <div className="grid2">
              <div>
                <label htmlFor="token-max-spend">Max spend (USD)</label>
                <input id="token-max-spend" type="number" min="0" step="any" inputMode="decimal" value={maxSpend} onChange={(e) => setMaxSpend(e.target.value)} placeholder="no cap" />
              </div>
              <div>
                <label htmlFor="token-project">Project</label>
                <input id="token-project" value={project} onChange={(e) => setProject(e.target.value)} placeholder="none" autoComplete="off" />
              </div>
            </div>
          </>
        )}
        <label htmlFor="token-expiry">Expires after</label>
        <select id="token-expiry" value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
          {EXPIRY.map((option, i) => (
            <option key={option.label} value={i}>
              {option.label}
            </option>
          ))}
        </select>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="row-actions">
          <button type="submit" className="primary" disabled={busy}>
            Create token
          </button>
        </div>
      </form>
    </section>
  );
}
