import { Notification } from 'electron';
import type { DashboardSnapshot, AppView } from '../shared/dashboard.js';
import { dueNotices } from '../core/tray-state.js';
import type { UiStateStore } from './ui-state.js';

/** Shows the native notifications a new snapshot calls for; clicking one opens its view. */
export function notifyFor(snapshot: DashboardSnapshot, uiState: UiStateStore, open: (view: AppView) => void): void {
  const { notices, memory } = dueNotices(uiState.get('notifier'), snapshot);
  uiState.set('notifier', memory);
  if (!Notification.isSupported()) return;
  for (const notice of notices) {
    const shown = new Notification({ title: notice.title, body: notice.body, silent: false });
    shown.on('click', () => open(notice.view));
    shown.show();
  }
}
