const STORAGE_KEY = 'keyway.token';

/**
 * The dashboard URL carries the token once, in the fragment (never sent to the server or logged).
 * Move it to session storage and drop it from the address bar and history.
 */
export function adoptTokenFromUrl(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match?.[1]) return;
  sessionStorage.setItem(STORAGE_KEY, decodeURIComponent(match[1]));
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
}

export function storedToken(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token.trim());
}

export function forgetToken(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
