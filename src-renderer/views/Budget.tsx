import { useEffect, useState } from 'react';
import type { AppSettingsPatch, AppSettingsView } from '../../src-main/shared/app-settings.js';
import type { BudgetConfig } from '../../src-main/shared/config.js';
import { PROVIDER_IDS, type ProviderId } from '../../src-main/shared/providers.js';
import { formatUsdCents as formatUsd } from '../../src-main/shared/format.js';
import { useAction, useApi } from '../api/context.js';
import { ProviderOptions } from '../components/ProviderOptions.js';

/** Budget limits and app settings; the data directory is shown read-only. */
export function Budget(): React.JSX.Element {
  const config = useApi('config.get', {});
  const status = useApi('budget.check', {});
  const settings = useApi('settings.get', {});
  // Kept here: the form below remounts when the saved budget comes back, and the outcome must survive that.
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <div className="budget">
      {config.error && <p className="error" role="alert">{config.error}</p>}
      {config.data && <BudgetForm key={JSON.stringify(config.data.budget)} budget={config.data.budget} message={message} setMessage={setMessage} />}
      {status.data && status.data.periods.length > 0 && (
        <section aria-labelledby="periods-title" className="card">
          <h2 id="periods-title">Limits in force</h2>
          <table className="compact" data-testid="budget-periods">
            <thead>
              <tr>
                <th scope="col">Limit</th>
                <th scope="col" className="num">Spent</th>
                <th scope="col" className="num">Limit</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {status.data.periods.map((p) => (
                <tr key={`${p.period}-${p.provider ?? 'all'}`}>
                  <th scope="row">
                    {p.provider ?? 'all providers'}, {p.period}
                  </th>
                  <td className="num">{formatUsd(p.spent_usd)}</td>
                  <td className="num">{formatUsd(p.limit_usd)}</td>
                  <td className={`level-${p.status}`}>{p.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {settings.error && <p className="error" role="alert">{settings.error}</p>}
      {settings.data && <AppSettingsForm current={settings.data} />}
    </div>
  );
}

type Outcome = { ok: boolean; text: string } | null;

function BudgetForm({ budget, message, setMessage }: { budget: BudgetConfig; message: Outcome; setMessage: (m: Outcome) => void }): React.JSX.Element {
  const act = useAction();
  const [enabled, setEnabled] = useState(budget.enabled);
  const [daily, setDaily] = useState(String(budget.daily_limit));
  const [monthly, setMonthly] = useState(String(budget.monthly_limit));
  const [threshold, setThreshold] = useState(String(Math.round(budget.alert_threshold * 100)));
  const [provider, setProvider] = useState<ProviderId>('anthropic');
  const limits = budget.per_provider?.[provider];
  const [pDaily, setPDaily] = useState(limits?.daily_limit !== undefined ? String(limits.daily_limit) : '');
  const [pMonthly, setPMonthly] = useState(limits?.monthly_limit !== undefined ? String(limits.monthly_limit) : '');
  const run = (input: Parameters<typeof act<'budget.set'>>[1]): void => {
    setMessage(null);
    act('budget.set', input).then(
      () => setMessage({ ok: true, text: 'Saved.' }),
      (err: unknown) => setMessage({ ok: false, text: err instanceof Error ? err.message : 'Saving failed.' }),
    );
  };
  const num = (value: string): number => (value.trim() === '' ? Number.NaN : Number(value));
  return (
    <section aria-labelledby="budget-title" className="card">
      <h2 id="budget-title">Budget</h2>
      <form
        className="budget-form"
        onSubmit={(event) => {
          event.preventDefault();
          run({ enabled, daily_limit: num(daily), monthly_limit: num(monthly), alert_threshold: num(threshold) / 100 });
        }}
      >
        <label className="check full">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enforce budgets
        </label>
        <UsdField id="daily-limit" label="Daily limit (USD)" value={daily} onChange={setDaily} />
        <UsdField id="monthly-limit" label="Monthly limit (USD)" value={monthly} onChange={setMonthly} />
        <div>
          <label htmlFor="threshold">Alert at (% of a limit)</label>
          <input id="threshold" type="number" min={1} max={100} value={threshold} onChange={(e) => setThreshold(e.target.value)} />
        </div>
        <div className="row-actions full">
          <button type="submit" className="primary">
            Save budget
          </button>
        </div>
      </form>
      <form
        className="budget-form"
        onSubmit={(event) => {
          event.preventDefault();
          run({ provider, ...(pDaily.trim() !== '' ? { daily_limit: num(pDaily) } : {}), ...(pMonthly.trim() !== '' ? { monthly_limit: num(pMonthly) } : {}) });
        }}
      >
        <h3 className="full">Per provider</h3>
        <div className="full">
          <label htmlFor="pp-provider">Provider</label>
          <select
            id="pp-provider"
            value={provider}
            onChange={(e) => {
              const next = e.target.value as ProviderId;
              setProvider(next);
              setPDaily(budget.per_provider?.[next]?.daily_limit?.toString() ?? '');
              setPMonthly(budget.per_provider?.[next]?.monthly_limit?.toString() ?? '');
            }}
          >
            <ProviderOptions providers={PROVIDER_IDS.filter((p) => p !== 'local')} />
          </select>
        </div>
        <UsdField id="pp-daily" label="Daily limit (USD)" value={pDaily} onChange={setPDaily} />
        <UsdField id="pp-monthly" label="Monthly limit (USD)" value={pMonthly} onChange={setPMonthly} />
        <div className="row-actions full">
          <button type="submit">Save {provider} limits</button>
        </div>
      </form>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok-text' : 'error'}>
          {message.text}
        </p>
      )}
    </section>
  );
}

function AppSettingsForm({ current }: { current: AppSettingsView }): React.JSX.Element {
  const act = useAction();
  const [interval, setInterval] = useState(String(current.health_ping_interval_s));
  // Checkboxes show the change at once; the saved settings come back through the change notice.
  const [flags, setFlags] = useState({ allow_mcp_key_changes: current.allow_mcp_key_changes, launch_at_login: current.launch_at_login });
  useEffect(() => setFlags({ allow_mcp_key_changes: current.allow_mcp_key_changes, launch_at_login: current.launch_at_login }), [current.allow_mcp_key_changes, current.launch_at_login]);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = (patch: AppSettingsPatch): void => {
    setError(null);
    setFlags((f) => ({ ...f, ...(patch.allow_mcp_key_changes !== undefined ? { allow_mcp_key_changes: patch.allow_mcp_key_changes } : {}), ...(patch.launch_at_login !== undefined ? { launch_at_login: patch.launch_at_login } : {}) }));
    act('settings.update', patch).then(
      () => setStatus('Saved.'),
      (err: unknown) => {
        setFlags({ allow_mcp_key_changes: current.allow_mcp_key_changes, launch_at_login: current.launch_at_login });
        setError(err instanceof Error ? err.message : 'Saving failed.');
      },
    );
  };
  return (
    <section aria-labelledby="settings-title" className="card">
      <h2 id="settings-title">App settings</h2>
      <label className="check">
        <input type="checkbox" checked={flags.allow_mcp_key_changes} onChange={(e) => save({ allow_mcp_key_changes: e.target.checked })} /> Allow editors (MCP) to add, rotate and remove keys
      </label>
      <label className="check">
        <input type="checkbox" checked={flags.launch_at_login} onChange={(e) => save({ launch_at_login: e.target.checked })} /> Launch at login
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

/** A dollar amount field: a label and a non-negative number input. */
function UsdField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (value: string) => void }): React.JSX.Element {
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" min={0} step="any" value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}
