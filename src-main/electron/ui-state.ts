import Store from 'electron-store';
import type { AppView } from '../shared/dashboard.js';
import { EMPTY_NOTIFIER_MEMORY, type NotifierMemory } from '../core/tray-state.js';

/** Window and UI preferences of the desktop app only (the service's settings live in settings.json). */
interface UiState {
  last_view: AppView;
  /** Where the user dragged the popover to, if anywhere; otherwise it sits by the tray icon. */
  window_position: { x: number; y: number } | null;
  notifier: NotifierMemory;
}

export type UiStateStore = Store<UiState>;

export function openUiState(): UiStateStore {
  return new Store<UiState>({
    name: 'ui-state',
    defaults: { last_view: 'overview', window_position: null, notifier: EMPTY_NOTIFIER_MEMORY },
  });
}
