import { useId, useState } from 'react';
import { judgeKeyFormat } from '../../src-main/shared/key-format.js';
import { ENV_VAR_PATTERN, LABEL_PATTERN, type KeyRecord } from '../../src-main/shared/keys.js';
import type { ProviderId } from '../../src-main/shared/providers.js';
import { ProviderOptions } from '../components/ProviderOptions.js';
import { useAction, useApi } from '../api/context.js';

const VALIDATION_TEXT: Record<KeyRecord['validation'], string> = {
  unchecked: 'not checked',
  format_ok: 'format ok',
  valid: 'valid',
  invalid: 'invalid',
  rate_limited: 'rate limited',
  unreachable: 'unreachable',
  timeout: 'timed out',
  error: 'error',
};

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : 'never';
}

/** Keys: list, add, rotate, remove. Secrets go in, only masked forms come back. */
export function Keys(): React.JSX.Element {
  const { data, error } = useApi('keys.list', {});
  return (
    <div className="keys">
      <AddKeyForm />
      <section aria-labelledby="keys-title" className="card">
        <h2 id="keys-title">Stored keys</h2>
        {error && <p className="error" role="alert">{error}</p>}
        {data && data.keys.length === 0 && <p className="muted">No keys yet. Add one above.</p>}
        {data && data.keys.length > 0 && (
          <>
            <ul className="key-list" data-testid="key-list">
              {data.keys.map((key) => (
                <KeyRow key={key.id} record={key} />
              ))}
            </ul>
            <p className="muted">Secrets are kept in {data.store === 'keychain' ? 'the OS keychain' : data.store === 'file' ? 'the encrypted key file' : 'the secret store'}.</p>
          </>
        )}
      </section>
    </div>
  );
}

function KeyRow({ record }: { record: KeyRecord }): React.JSX.Element {
  const [mode, setMode] = useState<'idle' | 'rotate' | 'remove'>('idle');
  const [message, setMessage] = useState<string | null>(null);
  const act = useAction();
  const ref = { provider: record.provider, label: record.label };
  return (
    <li className="key-row" data-testid={`key-${record.provider}-${record.label}`}>
      <div className="key-main">
        <strong>{record.provider}</strong> <span className="label">{record.label}</span>
        <code className="masked" aria-label="masked key">
          {record.masked}
        </code>
        <span className={`badge badge-${record.validation}`}>{VALIDATION_TEXT[record.validation]}</span>
      </div>
      <div className="key-meta muted">
        <span title="sha256 fingerprint prefix">fp {record.fingerprint}</span> · <span>last used {when(record.last_used_at)}</span> · <span>source {record.source}</span>
      </div>
      {message && <p className="muted" role="status">{message}</p>}
      {mode === 'idle' && (
        <div className="row-actions">
          <button
            onClick={() => {
              setMessage('Checking with the provider…');
              act('keys.validate', ref).then(
                (result) => setMessage(`${result.ok ? 'OK' : 'Failed'}: ${result.detail}`),
                (err: unknown) => setMessage(err instanceof Error ? err.message : 'Validation failed.'),
              );
            }}
          >
            Validate
          </button>
          <button onClick={() => setMode('rotate')}>Rotate</button>
          <button className="danger" onClick={() => setMode('remove')}>
            Remove
          </button>
        </div>
      )}
      {mode === 'remove' && (
        <div className="confirm" role="group" aria-label={`Confirm removing ${record.provider} ${record.label}`}>
          <span>Remove this key from the vault?</span>
          <button
            className="danger"
            autoFocus
            onClick={() => {
              act('keys.remove', ref).catch((err: unknown) => {
                setMessage(err instanceof Error ? err.message : 'Remove failed.');
                setMode('idle');
              });
            }}
          >
            Yes, remove
          </button>
          <button onClick={() => setMode('idle')}>Cancel</button>
        </div>
      )}
      {mode === 'rotate' && (
        <SecretForm
          provider={record.provider}
          submitLabel="Rotate"
          onCancel={() => setMode('idle')}
          onSubmit={async (secret) => {
            const result = await act('keys.rotate', { ...ref, ...(secret.kind === 'key' ? { new_api_key: secret.value } : { env_var: secret.value }) });
            setMode('idle');
            setMessage(['Rotated.', ...result.warnings].join(' '));
          }}
        />
      )}
    </li>
  );
}

type SecretEntry = { kind: 'key' | 'env'; value: string };

/** The secret field (or env var name) with the shared format rule applied before submit. */
function SecretForm({
  provider,
  submitLabel,
  onSubmit,
  onCancel,
  extra,
  extraProblem,
}: {
  provider: ProviderId;
  submitLabel: string;
  onSubmit: (secret: SecretEntry) => Promise<void>;
  onCancel?: () => void;
  extra?: React.ReactNode;
  extraProblem?: string | null;
}): React.JSX.Element {
  const id = useId();
  const [kind, setKind] = useState<'key' | 'env'>('key');
  const [value, setValue] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const problem =
    kind === 'key'
      ? judgeKeyFormat(provider, value).problem
      : ENV_VAR_PATTERN.test(value.trim())
        ? null
        : 'enter an environment variable name such as ANTHROPIC_API_KEY';
  const showProblem = touched && value !== '' ? problem : null;
  return (
    <form
      className="secret-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (problem || extraProblem) return;
        setBusy(true);
        setServerError(null);
        onSubmit({ kind, value: value.trim() })
          .then(() => setValue(''))
          .catch((err: unknown) => setServerError(err instanceof Error ? err.message : 'Request failed.'))
          .finally(() => setBusy(false));
      }}
    >
      {extra}
      <fieldset className="inline">
        <legend>Source</legend>
        <label>
          <input type="radio" name={`${id}-kind`} checked={kind === 'key'} onChange={() => { setKind('key'); setValue(''); setTouched(false); }} /> Paste key
        </label>
        <label>
          <input type="radio" name={`${id}-kind`} checked={kind === 'env'} onChange={() => { setKind('env'); setValue(''); setTouched(false); }} /> Read from env var
        </label>
      </fieldset>
      <label htmlFor={`${id}-value`}>{kind === 'key' ? 'API key' : 'Environment variable'}</label>
      <input
        id={`${id}-value`}
        type={kind === 'key' ? 'password' : 'text'}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onBlur={() => setTouched(true)}
        aria-invalid={showProblem ? true : undefined}
        aria-describedby={showProblem ? `${id}-problem` : undefined}
        placeholder={kind === 'key' ? (provider === 'anthropic' ? 'sk-ant-…' : provider === 'openai' ? 'sk-…' : '') : `${provider.toUpperCase()}_API_KEY`}
      />
      {showProblem && (
        <p id={`${id}-problem`} className="error field-error">
          {kind === 'key' ? `That ${provider} key is not valid: ${showProblem}.` : showProblem}
        </p>
      )}
      {serverError && (
        <p className="error" role="alert">
          {serverError}
        </p>
      )}
      <div className="row-actions">
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function AddKeyForm(): React.JSX.Element {
  const act = useAction();
  const [provider, setProvider] = useState<ProviderId>('anthropic');
  const [label, setLabel] = useState('default');
  const [status, setStatus] = useState<string | null>(null);
  const labelProblem = LABEL_PATTERN.test(label) ? null : 'Label: 1-32 letters, digits, ".", "_" or "-", starting with a letter or digit.';
  return (
    <section aria-labelledby="add-title" className="card">
      <h2 id="add-title">Add a key</h2>
      <SecretForm
        key={provider}
        provider={provider}
        submitLabel="Add key"
        extraProblem={labelProblem}
        extra={
          <div className="grid2">
            <div>
              <label htmlFor="add-provider">Provider</label>
              <select id="add-provider" value={provider} onChange={(e) => setProvider(e.target.value as ProviderId)}>
                <ProviderOptions />
              </select>
            </div>
            <div>
              <label htmlFor="add-label">Label</label>
              <input id="add-label" value={label} onChange={(e) => setLabel(e.target.value)} aria-invalid={labelProblem ? true : undefined} aria-describedby={labelProblem ? 'add-label-problem' : undefined} />
              {labelProblem && (
                <p id="add-label-problem" className="error field-error">
                  {labelProblem}
                </p>
              )}
            </div>
          </div>
        }
        onSubmit={async (secret) => {
          setStatus(null);
          const result = await act('keys.add', { provider, label, ...(secret.kind === 'key' ? { api_key: secret.value } : { env_var: secret.value }) });
          setStatus([`${result.created ? 'Added' : 'Replaced'} ${result.key.provider} key "${result.key.label}" (${result.key.masked}).`, ...result.warnings].join(' '));
        }}
      />
      {status && (
        <p role="status" className="ok-text" data-testid="add-status">
          {status}
        </p>
      )}
    </section>
  );
}
