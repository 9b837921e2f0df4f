import { useState } from 'react';
import type { AppSettingsPatch, AppSettingsView } from '../../src-main/shared/app-settings.js';
import { formatUsd } from '../../src-main/shared/format.js';
import { useAction, useApi } from '../api/context.js';

/** Budget limits and app settings; the data directory is shown read-only. */
export function Budget(): React.JSX.Element {
  const config = useApi('config.get', {});
  const settings = useApi('settings.get', {});
  const budget = config.data?.budget;
  return (
    <div className="budget">
      <section aria-labelledby="budget-title" className="card">
        <h2 id="budget-title">Budget</h2>
        {config.error && <p className="error" role="alert">{config.error}</p>}
        {budget && (
          <dl className="facts" data-testid="budget-facts">
            <dt>Budgets</dt>
            <dd>{budget.enabled ? 'on' : 'off'}</dd>
            <dt>Daily limit</dt>
            <dd>{formatUsd(budget.daily_limit)}</dd>
            <dt>Monthly limit</dt>
            <dd>{formatUsd(budget.monthly_limit)}</dd>
            <dt>Alert at</dt>
            <dd>{Math.round(budget.alert_threshold * 100)}% of a limit</dd>
            {Object.entries(budget.per_provider ?? {}).map(([provider, limits]) => (
              <div key={provider} className="fact-row">
                <dt>{provider}</dt>
                <dd>
                  {limits?.daily_limit !== undefined ? `${formatUsd(limits.daily_limit)}/day ` : ''}
                  {limits?.monthly_limit !== undefined ? `${formatUsd(limits.monthly_limit)}/month` : ''}
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      {settings.error && <p className="error" role="alert">{settings.error}</p>}
      {settings.data && <AppSettingsForm current={settings.data} />}
    </div>
  );
}

function AppSettingsForm({ current }: { current: AppSettingsView }): React.JSX.Element {
  const act = useAction();
  const [interval, setInterval] = useState(String(current.health_ping_interval_s));
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = (patch: AppSettingsPatch): void => {
    setError(null);
    act('settings.update', patch).then(
      () => setStatus('Saved.'),
      (err: unknown) => setError(err instanceof Error ? err.message : 'Saving failed.'),
    );
  };
  return (
    <section aria-labelledby="settings-title" className="card">
      <h2 id="settings-title">App settings</h2>
      <label className="check">
        <input type="checkbox" checked={current.allow_mcp_key_changes} onChange={(e) => save({ allow_mcp_key_changes: e.target.checked })} /> Allow editors (MCP) to add, rotate and remove keys
      </label>
      <label className="check">
        <input type="checkbox" checked={current.launch_at_login} onChange={(e) => save({ launch_at_login: e.target.checked })} /> Launch at login
      </label>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          save({ health_ping_interval_s: Number(interval) });
        }}
      >
        <label htmlFor="ping-interval">Health ping interval (seconds)</label>
        <input id="ping-interval" type="number" min={5} max={3600} value={interval} onChange={(e) => setInterval(e.target.value)} />
        <button type="submit">Save</button>
      </form>
      <label htmlFor="data-dir">Data directory</label>
      <input id="data-dir" readOnly value={current.data_dir} />
      <p className="muted">Secrets live in {current.secret_store === 'keychain' ? 'the OS keychain' : current.secret_store === 'file' ? 'the encrypted key file (.keys.enc)' : 'the secret store chosen on first use'}.</p>
      {status && !error && <p role="status" className="ok-text">{status}</p>}
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}
