import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_NOTIFIER_MEMORY,
  MCP_CLIENTS,
  dueNotices,
  trayIconFile,
  trayMenu,
  trayState,
  trayTooltip,
  type TrayMenuItem,
} from '../../src-main/core/tray-state.js';
import type { BudgetLevel, DashboardAlert, DashboardSnapshot, ProviderStatusDot } from '../../src-main/shared/dashboard.js';
import { PROVIDER_IDS } from '../../src-main/shared/providers.js';

const TRAY_DIR = fileURLToPath(new URL('../../resources/tray/', import.meta.url));

function snapshot(overrides: Partial<DashboardSnapshot> = {}): DashboardSnapshot {
  return {
    generated_at: '2026-11-28T12:00:00.000Z',
    budget_enabled: true,
    alert_threshold: 0.8,
    today: { spent_usd: 1.23, limit_usd: 10, level: 'ok' },
    month: { spent_usd: 41.1, limit_usd: 100, level: 'ok' },
    alerts: [],
    providers: PROVIDER_IDS.map((provider) => ({ provider, enabled: true, health: 'up', latency_ms: 100, detail: null })),
    daily: [],
    top_models: [],
    spend_by_client: [],
    spend_by_project: [],
    keys_total: 2,
    keys_invalid: 0,
    ...overrides,
  };
}

function withHealth(provider: ProviderStatusDot['provider'], health: ProviderStatusDot['health'], enabled = true): ProviderStatusDot[] {
  return PROVIDER_IDS.map((p) => ({ provider: p, enabled: p === provider ? enabled : true, health: p === provider ? health : 'up', latency_ms: null, detail: p === provider ? 'HTTP 500' : null }));
}

const LEVELS: BudgetLevel[] = ['ok', 'warning', 'exceeded'];

describe('trayState', () => {
  for (const today of LEVELS) {
    for (const month of LEVELS) {
      const worst = LEVELS[Math.max(LEVELS.indexOf(today), LEVELS.indexOf(month))];
      it(`shows ${worst} when today is ${today} and the month is ${month}`, () => {
        const state = trayState(snapshot({ today: { spent_usd: 1, limit_usd: 10, level: today }, month: { spent_usd: 1, limit_usd: 10, level: month } }));
        expect(state).toEqual({ level: worst, marker: false });
      });
    }
  }

  it.each([
    ['a per-provider daily limit is reached', 'budget_warning', 'warning'],
    ['a per-provider monthly limit is exceeded', 'budget_exceeded', 'exceeded'],
    ['a provider is down (not a budget matter)', 'provider_down', 'ok'],
  ] as const)('colours the icon when %s while the overall gauges are ok', (_name, kind, level) => {
    const alert: DashboardAlert = { id: `${kind}:x`, kind, message: 'm', view: 'budget' };
    expect(trayState(snapshot({ alerts: [alert] })).level).toBe(level);
  });

  it.each([
    ['an enabled provider is down', { providers: withHealth('openai', 'down') }, true],
    ['a key is invalid', { keys_invalid: 1 }, true],
    ['a disabled provider is down', { providers: withHealth('openai', 'down', false) }, false],
    ['a provider is only degraded', { providers: withHealth('openai', 'degraded') }, false],
    ['a provider has never been checked', { providers: withHealth('local', 'unknown') }, false],
  ] as const)('sets the marker only when it matters: %s', (_name, overrides, marker) => {
    expect(trayState(snapshot(overrides)).marker).toBe(marker);
  });
});

describe('trayIconFile', () => {
  it('names an existing 1x and 2x PNG for every level, marker and menu bar theme', () => {
    for (const level of LEVELS) {
      for (const marker of [false, true]) {
        for (const theme of ['light', 'dark'] as const) {
          const file = trayIconFile({ level, marker }, theme);
          expect(file).toBe(`tray-${level}${marker ? '-marker' : ''}-${theme}.png`);
          expect(existsSync(TRAY_DIR + file), file).toBe(true);
          expect(existsSync(TRAY_DIR + file.replace('.png', '@2x.png')), file).toBe(true);
        }
      }
    }
  });
});

describe('trayTooltip', () => {
  it('states today and the month against their limits, to the cent', () => {
    expect(trayTooltip(snapshot())).toBe('Keyway: today $1.23 of $10.00, month $41.10 of $100.00');
  });

  it('leaves out limits when budgets are off and shows sub-cent spend as <$0.01', () => {
    const text = trayTooltip(snapshot({ today: { spent_usd: 0.001, limit_usd: null, level: 'ok' }, month: { spent_usd: 3, limit_usd: null, level: 'ok' } }));
    expect(text).toBe('Keyway: today <$0.01, month $3.00');
  });

  it('adds a line for providers that are down and for invalid keys', () => {
    const text = trayTooltip(snapshot({ providers: withHealth('google', 'down'), keys_invalid: 2 }));
    expect(text.split('\n')).toEqual(['Keyway: today $1.23 of $10.00, month $41.10 of $100.00', 'Down: google', '2 invalid keys']);
  });
});

describe('trayMenu', () => {
  const labels = (items: TrayMenuItem[]): string[] => items.map((i) => (i.kind === 'separator' ? '-' : i.label));

  it('offers open, add key, MCP config for each editor, launch at login and quit', () => {
    const menu = trayMenu({ launchAtLogin: false });
    expect(labels(menu)).toEqual(['Open Keyway', 'Add key...', 'Copy MCP config for', '-', 'Launch at login', '-', 'Quit Keyway']);
    const copy = menu.find((i) => i.kind === 'submenu');
    expect(copy?.kind === 'submenu' && labels(copy.items)).toEqual(['Claude Desktop', 'Cursor', 'VS Code', 'Claude Code']);
    expect(copy?.kind === 'submenu' && copy.items.map((i) => i.kind === 'item' && i.action)).toEqual(MCP_CLIENTS.map((c) => `copy-mcp-config:${c}`));
  });

  it('checks "Launch at login" exactly when the setting is on', () => {
    for (const launchAtLogin of [true, false]) {
      const item = trayMenu({ launchAtLogin }).find((i) => i.kind === 'checkbox');
      expect(item?.kind === 'checkbox' && item.checked).toBe(launchAtLogin);
    }
  });
});

describe('dueNotices', () => {
  const warning: DashboardAlert = { id: 'budget_warning:daily:all:2026-11-28', kind: 'budget_warning', message: 'Daily budget at 80%', view: 'budget' };
  const exceeded: DashboardAlert = { id: 'budget_exceeded:daily:all:2026-11-28', kind: 'budget_exceeded', message: 'Daily budget exceeded', view: 'budget' };
  const keyInvalid: DashboardAlert = { id: 'key_invalid:k1:abc', kind: 'key_invalid', message: 'key rejected', view: 'keys' };

  it('notifies a threshold crossing once per period, and again in the next period', () => {
    const first = dueNotices(EMPTY_NOTIFIER_MEMORY, snapshot({ alerts: [warning] }));
    expect(first.notices.map((n) => [n.title, n.view])).toEqual([['Budget threshold reached', 'budget']]);
    const again = dueNotices(first.memory, snapshot({ alerts: [warning] }));
    expect(again.notices).toEqual([]);
    const nextDay = dueNotices(again.memory, snapshot({ alerts: [{ ...warning, id: 'budget_warning:daily:all:2026-11-29' }] }));
    expect(nextDay.notices).toHaveLength(1);
  });

  it('notifies exceeding after the warning, and an invalid key once', () => {
    const a = dueNotices(EMPTY_NOTIFIER_MEMORY, snapshot({ alerts: [warning] }));
    const b = dueNotices(a.memory, snapshot({ alerts: [exceeded, warning, keyInvalid] }));
    expect(b.notices.map((n) => n.title)).toEqual(['Budget exceeded', 'API key invalid']);
    expect(b.notices[1]?.view).toBe('keys');
    expect(dueNotices(b.memory, snapshot({ alerts: [exceeded, warning, keyInvalid] })).notices).toEqual([]);
  });

  it('does not repeat a budget alert that went away and came back in the same period', () => {
    const a = dueNotices(EMPTY_NOTIFIER_MEMORY, snapshot({ alerts: [warning] }));
    const b = dueNotices(a.memory, snapshot({ alerts: [] }));
    expect(dueNotices(b.memory, snapshot({ alerts: [warning] })).notices).toEqual([]);
  });

  it('notifies a provider going down once per outage and coming back up once', () => {
    const down = dueNotices(EMPTY_NOTIFIER_MEMORY, snapshot({ providers: withHealth('anthropic', 'down') }));
    expect(down.notices.map((n) => [n.title, n.body, n.view])).toEqual([['anthropic is down', 'HTTP 500', 'providers']]);
    const still = dueNotices(down.memory, snapshot({ providers: withHealth('anthropic', 'down') }));
    expect(still.notices).toEqual([]);
    const up = dueNotices(still.memory, snapshot());
    expect(up.notices.map((n) => n.title)).toEqual(['anthropic is back up']);
    expect(dueNotices(up.memory, snapshot()).notices).toEqual([]);
  });

  it('stays quiet for a disabled provider that is down', () => {
    expect(dueNotices(EMPTY_NOTIFIER_MEMORY, snapshot({ providers: withHealth('local', 'down', false) })).notices).toEqual([]);
  });
});
