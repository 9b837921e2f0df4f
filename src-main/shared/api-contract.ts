import type { Channel, ChannelInput, ChannelResult, JsonChannel } from './channels.js';
import type { ErrorInfo } from './errors.js';
import type { ServiceEventName } from './events.js';

/**
 * The app API (Electron IPC, HTTP `/api/<channel>`, the renderer's client) as a view of the one
 * channel map in channels.ts: every channel whose result is one JSON value.
 */
export type ApiChannel = JsonChannel;
export type ApiInput<C extends Channel> = ChannelInput<C>;
export type ApiResult<C extends Channel> = ChannelResult<C>;

/** Every call answers with this envelope; expected failures are `ok: false`, never thrown across the bridge. */
export type ApiResponse<C extends Channel> = { ok: true; result: ApiResult<C> } | { ok: false; error: ErrorInfo };

/** A pushed notice that something changed; the renderer re-reads what it shows. Carries no data. */
export interface ApiEvent {
  name: ServiceEventName;
}

/** The typed facade the Electron preload exposes as `window.keyway`. */
export interface KeywayBridge {
  call<C extends ApiChannel>(channel: C, input: ApiInput<C>): Promise<ApiResponse<C>>;
  /** Subscribes to change notices; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** Asks main which view to show (set when a notification or menu item opened the popover). */
  onNavigate(listener: (view: string) => void): () => void;
}
