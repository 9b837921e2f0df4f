import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';

/** How long a closing stdin waits for the answers still owed to the editor before giving up on them. */
export const DRAIN_TIMEOUT_MS = 30_000;

/**
 * The client's requests that have not been answered yet. An editor may close stdin right after
 * its last request; the answers (and the durable work behind them) must still go out before exit.
 */
export class InFlightRequests {
  readonly #open = new Set<RequestId>();
  #idle: Array<() => void> = [];

  /** A message from the client: a request (method and id) is now owed an answer. */
  received(message: JSONRPCMessage): void {
    if ('method' in message && 'id' in message) this.#open.add(message.id);
  }

  /** A message to the client: a response (id, no method) settles its request. */
  answered(message: JSONRPCMessage): void {
    if ('method' in message || !('id' in message) || message.id === undefined) return;
    this.#open.delete(message.id);
    if (this.#open.size === 0) this.#wake();
  }

  get size(): number {
    return this.#open.size;
  }

  /** Resolves once every request seen so far is answered, or after `timeoutMs` (returns false then). */
  idle(timeoutMs = DRAIN_TIMEOUT_MS): Promise<boolean> {
    if (this.#open.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  #wake(): void {
    const waiters = this.#idle;
    this.#idle = [];
    for (const wake of waiters) wake();
  }
}

/** Wraps a server transport so `inFlight` sees every request coming in and every answer going out. */
export function countingInFlight(inner: Transport, inFlight: InFlightRequests): Transport {
  const outer: Transport = {
    start: () => inner.start(),
    close: () => inner.close(),
    // Settled once written, so a drained connection has really handed every answer over.
    send: (message: JSONRPCMessage, options?: TransportSendOptions) => inner.send(message, options).finally(() => inFlight.answered(message)),
  };
  inner.onmessage = (message, extra) => {
    inFlight.received(message);
    outer.onmessage?.(message, extra);
  };
  inner.onclose = () => outer.onclose?.();
  inner.onerror = (error) => outer.onerror?.(error);
  return outer;
}
