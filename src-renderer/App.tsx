import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AppView } from '../src-main/shared/dashboard.js';
import { ApiError, createClient } from './api/client.js';
import { ClientContext } from './api/context.js';
import { storeToken, storedToken } from './api/token.js';
import { Login } from './views/Login.js';
import { Overview } from './views/Overview.js';
import { Keys } from './views/Keys.js';
import { Providers } from './views/Providers.js';
import { Budget } from './views/Budget.js';
import { Activity } from './views/Activity.js';
import { Tokens } from './views/Tokens.js';

const VIEWS: { id: AppView; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'activity', label: 'Activity' },
  { id: 'keys', label: 'Keys' },
  { id: 'tokens', label: 'Tokens' },
  { id: 'providers', label: 'Providers' },
  { id: 'budget', label: 'Budget & settings' },
];

/** Arrow keys, Home and End move between tabs (the WAI-ARIA tabs pattern); Tab leaves the tab list. */
function moveTab(event: React.KeyboardEvent, current: AppView, setView: (view: AppView) => void): void {
  const index = VIEWS.findIndex((v) => v.id === current);
  const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: VIEWS.length - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  const target = VIEWS[(next + VIEWS.length) % VIEWS.length]!;
  setView(target.id);
  document.getElementById(`tab-${target.id}`)?.focus();
}

function isView(value: string): value is AppView {
  return VIEWS.some((v) => v.id === value);
}

export function App(): React.JSX.Element {
  const client = useMemo(() => createClient(), []);
  const [authorized, setAuthorized] = useState<boolean | null>(client.transport === 'electron' ? true : null);
  const [loginError, setLoginError] = useState<string | null>(null);
  const [view, setView] = useState<AppView>(() => {
    const wanted = new URLSearchParams(window.location.search).get('view') ?? '';
    return isView(wanted) ? wanted : 'overview';
  });
  const [version, setVersion] = useState(0);

  const checkToken = useCallback(async () => {
    try {
      await client.call('settings.get', {});
      setAuthorized(true);
      setLoginError(null);
    } catch (error) {
      setAuthorized(false);
      if (error instanceof ApiError && storedToken()) setLoginError(error.message);
    }
  }, [client]);

  useEffect(() => {
    if (client.transport === 'http') void checkToken();
  }, [client, checkToken]);

  useEffect(() => {
    if (!authorized) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = client.subscribe(
      () => {
        clearTimeout(timer);
        timer = setTimeout(() => setVersion((v) => v + 1), 100);
      },
      () => setAuthorized(false),
    );
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [client, authorized]);

  useEffect(() => window.keyway?.onNavigate((wanted) => isView(wanted) && setView(wanted)), []);

  const onUnauthorized = useCallback(() => setAuthorized(false), []);

  if (authorized === null) return <main className="app loading" aria-busy="true" />;
  if (!authorized) {
    return (
      <Login
        error={loginError}
        onSubmit={(token) => {
          storeToken(token);
          void checkToken();
        }}
      />
    );
  }

  const Current = { overview: Overview, activity: Activity, keys: Keys, tokens: Tokens, providers: Providers, budget: Budget }[view];
  return (
    <ClientContext.Provider value={{ client, version, onUnauthorized, refresh: () => setVersion((v) => v + 1), navigate: setView }}>
      <div className="app">
        <header className="app-header">
          <h1>Keyway</h1>
          <nav aria-label="Views">
            <div role="tablist" aria-label="Views" onKeyDown={(event) => moveTab(event, view, setView)}>
              {VIEWS.map((v) => (
                <button
                  key={v.id}
                  role="tab"
                  id={`tab-${v.id}`}
                  aria-selected={view === v.id}
                  aria-controls="view"
                  tabIndex={view === v.id ? 0 : -1}
                  className={view === v.id ? 'tab active' : 'tab'}
                  onClick={() => setView(v.id)}
                >
                  {v.label}
                </button>
              ))}
            </div>
          </nav>
        </header>
        <main id="view" role="tabpanel" aria-labelledby={`tab-${view}`} className="view">
          <Current />
        </main>
      </div>
    </ClientContext.Provider>
  );
}
