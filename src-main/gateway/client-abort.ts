import { EventEmitter } from 'node:events';

/**
 * Fires once when the client goes away, so the upstream request stops at once. undici takes an
 * EventEmitter as a request's signal; one per request costs less than an AbortController.
 */
export class ClientAbort extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}
