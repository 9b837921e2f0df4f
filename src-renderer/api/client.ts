import type { ApiChannel, ApiEvent, ApiInput, ApiResponse, ApiResult, KeywayBridge } from '../../src-main/shared/api-contract.js';
import type { ErrorInfo } from '../../src-main/shared/errors.js';
import { storedToken } from './token.js';

declare global {
  interface Window {
    /** Present only inside the Electron app (exposed by the preload). */
    keyway?: KeywayBridge;
  }
}

/** A failed call: the contract's error code and message, or `unauthorized` when the token is wrong. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorInfo['code'] | 'unauthorized' | 'network',
    message: string,
  ) {
    super(message);
  }
}

/** One client, two transports: the Electron bridge, or HTTP /api with the session's token. */
export interface ApiClient {
  readonly transport: 'electron' | 'http';
  call<C extends ApiChannel>(channel: C, input: ApiInput<C>): Promise<ApiResult<C>>;
  subscribe(listener: (event: ApiEvent) => void, onUnauthorized: () => void): () => void;
}

export function createClient(): ApiClient {
  const bridge = window.keyway;
  return bridge ? bridgeClient(bridge) : httpClient();
}

function unwrap<C extends ApiChannel>(response: ApiResponse<C>): ApiResult<C> {
  if (response.ok) return response.result;
  throw new ApiError(response.error.code, response.error.message);
}

function bridgeClient(bridge: KeywayBridge): ApiClient {
  return {
    transport: 'electron',
    call: async (channel, input) => unwrap(await bridge.call(channel, input)),
    subscribe: (listener) => bridge.onEvent(listener),
  };
}

function authHeaders(): Record<string, string> {
  const token = storedToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

function httpClient(): ApiClient {
  return {
    transport: 'http',
    async call(channel, input) {
      if (!storedToken()) throw new ApiError('unauthorized', 'Paste the access token to continue.');
      let res: Response;
      try {
        res = await fetch(`/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders() }, body: JSON.stringify(input) });
      } catch {
        throw new ApiError('network', 'Keyway is not answering. Is `keyway serve` still running?');
      }
      if (res.status === 401) throw new ApiError('unauthorized', 'That token was not accepted.');
      return unwrap((await res.json()) as ApiResponse<typeof channel>);
    },
    subscribe(listener, onUnauthorized) {
      const controller = new AbortController();
      const run = async (): Promise<void> => {
        while (!controller.signal.aborted) {
          try {
            const res = await fetch('/api/events', { headers: authHeaders(), signal: controller.signal });
            if (res.status === 401) return onUnauthorized();
            if (!res.body) throw new Error('no stream');
            await readEvents(res.body, listener);
          } catch {
            if (controller.signal.aborted) return;
          }
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      };
      void run();
      return () => controller.abort();
    },
  };
}

/** Reads a server-sent event stream (fetch, so the token goes in a header, not the URL). */
async function readEvents(body: ReadableStream<Uint8Array>, listener: (event: ApiEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').find((line) => line.startsWith('data: '));
      if (data) listener(JSON.parse(data.slice('data: '.length)) as ApiEvent);
    }
  }
}
