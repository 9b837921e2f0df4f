import { describe, expect, it, vi } from 'vitest';
import { EMPTY_NOTIFIER_MEMORY, type NotifierMemory } from '../../src-main/core/tray-state.js';
import type { AppView, DashboardSnapshot } from '../../src-main/shared/dashboard.js';

// Stand-in for Electron's Notification: records what was shown and lets the test click it.
const shown: Array<{ title: string; body: string; click: () => void }> = [];
vi.mock('electron', () => ({
  Notification: class {
    static isSupported = () => true;
    readonly #options: { title: string; body: string };
    #click = (): void => {};
    constructor(options: { title: string; body: string }) {
      this.#options = options;
    }
    on(_event: 'click', fn: () => void): void {
      this.#click = fn;
    }
    show(): void {
      shown.push({ ...this.#options, click: () => this.#click() });
    }
  },
}));

const { notifyFor } = await import('../../src-main/electron/notifications.js');

function store(): { get: (k: 'notifier') => NotifierMemory; set: (k: 'notifier', v: NotifierMemory) => void } {
  let memory = EMPTY_NOTIFIER_MEMORY;
  return { get: () => memory, set: (_k, v) => (memory = v) };
}

const snapshot: DashboardSnapshot = {
  generated_at: '2026-11-28T12:00:00.000Z',
  budget_enabled: true,
  alert_threshold: 0.8,
  today: { spent_usd: 12, limit_usd: 10, level: 'exceeded' },
  month: { spent_usd: 12, limit_usd: 100, level: 'ok' },
  alerts: [{ id: 'budget_exceeded:daily:all:2026-11-28', kind: 'budget_exceeded', message: 'Daily budget exceeded: $12.00 of $10.00', view: 'budget' }],
  providers: [],
  daily: [],
  top_models: [],
  spend_by_client: [],
  spend_by_project: [],
  keys_total: 0,
  keys_invalid: 0,
};

describe('native notifications', () => {
  it('shows an exceeded budget once and opens the budget view when clicked', () => {
    const uiState = store();
    const opened: AppView[] = [];
    notifyFor(snapshot, uiState as never, (view) => opened.push(view));
    notifyFor(snapshot, uiState as never, (view) => opened.push(view));
    expect(shown.map((n) => [n.title, n.body])).toEqual([['Budget exceeded', 'Daily budget exceeded: $12.00 of $10.00']]);
    shown[0]!.click();
    expect(opened).toEqual(['budget']);
    expect(uiState.get('notifier').shown).toContain('budget_exceeded:daily:all:2026-11-28');
  });
});
