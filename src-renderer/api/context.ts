import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { ApiChannel, ApiInput, ApiResult } from '../../src-main/shared/api-contract.js';
import type { AppView } from '../../src-main/shared/dashboard.js';
import { ApiError, type ApiClient } from './client.js';

export interface ClientState {
  client: ApiClient;
  /** Bumped whenever the service announces a change; views re-read on it. */
  version: number;
  onUnauthorized: () => void;
  refresh: () => void;
  navigate: (view: AppView) => void;
}

export const ClientContext = createContext<ClientState | null>(null);

export function useClient(): ClientState {
  const state = useContext(ClientContext);
  if (!state) throw new Error('useClient outside ClientContext');
  return state;
}

export type Loaded<T> = { data: T | null; error: string | null; reload: () => void };

/** Reads one channel and re-reads it on every change notice. */
export function useApi<C extends ApiChannel>(channel: C, input: ApiInput<C>): Loaded<ApiResult<C>> {
  const { client, version, onUnauthorized } = useClient();
  const [data, setData] = useState<ApiResult<C> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(input);
  useEffect(() => {
    let live = true;
    client.call(channel, JSON.parse(key) as ApiInput<C>).then(
      (result) => {
        if (!live) return;
        setData(result);
        setError(null);
      },
      (err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.code === 'unauthorized') return onUnauthorized();
        setError(err instanceof Error ? err.message : 'Request failed.');
      },
    );
    return () => {
      live = false;
    };
  }, [client, channel, key, version, tick, onUnauthorized]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}

/** Runs a change; returns the result or throws an Error whose message is for the user. */
export function useAction(): <C extends ApiChannel>(channel: C, input: ApiInput<C>) => Promise<ApiResult<C>> {
  const { client, onUnauthorized, refresh } = useClient();
  return useCallback(
    async (channel, input) => {
      try {
        const result = await client.call(channel, input);
        refresh();
        return result;
      } catch (err) {
        if (err instanceof ApiError && err.code === 'unauthorized') onUnauthorized();
        throw err;
      }
    },
    [client, onUnauthorized, refresh],
  );
}
