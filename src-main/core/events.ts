import { EventEmitter } from 'node:events';
import type { ServiceEventMap, ServiceEventName } from '../shared/events.js';

type Listener<K extends ServiceEventName> = (payload: ServiceEventMap[K]) => void;

/** A typed event bus for the service. A throwing listener is isolated from the emitter and the others. */
export class ServiceEvents {
  readonly #emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  on<K extends ServiceEventName>(name: K, listener: Listener<K>): () => void {
    const safe = (payload: ServiceEventMap[K]) => {
      try {
        listener(payload);
      } catch {
        // A subscriber's bug must not break the operation that emitted the event.
      }
    };
    this.#emitter.on(name, safe);
    return () => this.#emitter.off(name, safe);
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  onAny(listener: <K extends ServiceEventName>(name: K, payload: ServiceEventMap[K]) => void): () => void {
    const offs = (Object.keys(EVENT_NAMES) as ServiceEventName[]).map((name) => this.on(name, (payload) => listener(name, payload)));
    return () => offs.forEach((off) => off());
  }

  emit<K extends ServiceEventName>(name: K, payload: ServiceEventMap[K]): void {
    this.#emitter.emit(name, payload);
  }
}

/** Every event name, so `onAny` can subscribe to all; the type check keeps it complete. */
const EVENT_NAMES: Record<ServiceEventName, true> = {
  'key.changed': true,
  'config.changed': true,
  'provider.status': true,
  'settings.changed': true,
  'usage.tracked': true,
  'usage.refused': true,
  'budget.alert': true,
};
