import { useState } from 'react';

/** Shown when there is no token or the server refused it: asks for the token, shows no data. */
export function Login({ error, onSubmit }: { error: string | null; onSubmit: (token: string) => void }): React.JSX.Element {
  const [token, setToken] = useState('');
  return (
    <main className="app login">
      <h1>Keyway</h1>
      <form
        className="card"
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim()) onSubmit(token);
        }}
      >
        <h2>Sign in to this dashboard</h2>
        <p>
          Open the dashboard link that <code>keyway serve</code> printed, or paste the access token from the <code>http-token</code> file in the Keyway data
          directory.
        </p>
        <label htmlFor="token">Access token</label>
        <input id="token" type="password" autoComplete="off" spellCheck={false} value={token} onChange={(e) => setToken(e.target.value)} aria-describedby={error ? 'token-error' : undefined} />
        {error && (
          <p id="token-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          Continue
        </button>
      </form>
    </main>
  );
}
