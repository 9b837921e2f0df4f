import type { AppView, BudgetLevel, DashboardSnapshot, SpendGauge } from '../shared/dashboard.js';
import { formatUsdCents as usd } from '../shared/format.js';
import type { ProviderId } from '../shared/providers.js';

/** What the tray shows; a pure function of the dashboard so it is tested without Electron. */
export interface TrayState {
  level: BudgetLevel;
  /** A provider is down or a key is invalid: the icon carries a marker dot. */
  marker: boolean;
}

export type MenuBarTheme = 'light' | 'dark';

const LEVEL_RANK: Record<BudgetLevel, number> = { ok: 0, warning: 1, exceeded: 2 };

const ALERT_LEVEL: Partial<Record<DashboardSnapshot['alerts'][number]['kind'], BudgetLevel>> = { budget_warning: 'warning', budget_exceeded: 'exceeded' };

export function trayState(snapshot: DashboardSnapshot): TrayState {
  // The worst of the overall gauges and of every budget alert, so a per-provider limit colours the icon too.
  const levels = [snapshot.today.level, snapshot.month.level, ...snapshot.alerts.map((a) => ALERT_LEVEL[a.kind] ?? 'ok')];
  const level = levels.reduce((worst, l) => (LEVEL_RANK[l] > LEVEL_RANK[worst] ? l : worst), 'ok' as BudgetLevel);
  const providerDown = snapshot.providers.some((p) => p.enabled && p.health === 'down');
  return { level, marker: providerDown || snapshot.keys_invalid > 0 };
}

/**
 * The icon file under resources/tray/ for a state. `light` is for light menu bars (dark glyph),
 * `dark` for dark ones; Electron picks `@2x` itself when the 1x name is given.
 */
export function trayIconFile(state: TrayState, theme: MenuBarTheme): string {
  return `tray-${state.level}${state.marker ? '-marker' : ''}-${theme}.png`;
}

/** "Keyway: today $1.23 of $10.00, month $41.10 of $100.00", plus a line per problem. */
export function trayTooltip(snapshot: DashboardSnapshot): string {
  const lines = [`Keyway: today ${spend(snapshot.today)}, month ${spend(snapshot.month)}`];
  const down = snapshot.providers.filter((p) => p.enabled && p.health === 'down').map((p) => p.provider);
  if (down.length > 0) lines.push(`Down: ${down.join(', ')}`);
  if (snapshot.keys_invalid > 0) lines.push(`${snapshot.keys_invalid} invalid key${snapshot.keys_invalid === 1 ? '' : 's'}`);
  return lines.join('\n');
}

function spend(gauge: SpendGauge): string {
  return gauge.limit_usd === null ? usd(gauge.spent_usd) : `${usd(gauge.spent_usd)} of ${usd(gauge.limit_usd)}`;
}

export const MCP_CLIENTS = ['claude-desktop', 'cursor', 'vscode', 'claude-code'] as const;
export type McpClient = (typeof MCP_CLIENTS)[number];

export const MCP_CLIENT_NAMES: Record<McpClient, string> = {
  'claude-desktop': 'Claude Desktop',
  cursor: 'Cursor',
  vscode: 'VS Code',
  'claude-code': 'Claude Code',
};

export type TrayMenuAction = 'open' | 'add-key' | 'toggle-launch-at-login' | 'quit' | `copy-mcp-config:${McpClient}`;

export type TrayMenuItem =
  | { kind: 'item'; label: string; action: TrayMenuAction }
  | { kind: 'checkbox'; label: string; action: TrayMenuAction; checked: boolean }
  | { kind: 'submenu'; label: string; items: TrayMenuItem[] }
  | { kind: 'separator' };

/** The tray's context menu as data; the Electron glue maps actions to handlers. */
export function trayMenu(options: { launchAtLogin: boolean }): TrayMenuItem[] {
  return [
    { kind: 'item', label: 'Open Keyway', action: 'open' },
    { kind: 'item', label: 'Add key...', action: 'add-key' },
    {
      kind: 'submenu',
      label: 'Copy MCP config for',
      items: MCP_CLIENTS.map((client) => ({ kind: 'item', label: MCP_CLIENT_NAMES[client], action: `copy-mcp-config:${client}` }) as const),
    },
    { kind: 'separator' },
    { kind: 'checkbox', label: 'Launch at login', action: 'toggle-launch-at-login', checked: options.launchAtLogin },
    { kind: 'separator' },
    { kind: 'item', label: 'Quit Keyway', action: 'quit' },
  ];
}

export interface Notice {
  /** Once shown, a notice with this id is not shown again. */
  id: string;
  title: string;
  body: string;
  /** The view the popover opens on when the notice is clicked. */
  view: AppView;
}

/** What the notifier remembers between snapshots. */
export interface NotifierMemory {
  shown: string[];
  down: ProviderId[];
}

const MEMORY_LIMIT = 500;

export const EMPTY_NOTIFIER_MEMORY: NotifierMemory = { shown: [], down: [] };

/**
 * Native notifications due for a new snapshot: one per alert per period (alert ids carry their
 * period), a provider going down once per outage and coming back up once. Returns the notices and
 * the memory to keep for the next call.
 */
export function dueNotices(memory: NotifierMemory, snapshot: DashboardSnapshot): { notices: Notice[]; memory: NotifierMemory } {
  const shown = new Set(memory.shown);
  const notices: Notice[] = [];
  for (const alert of snapshot.alerts) {
    if (alert.kind === 'provider_down' || shown.has(alert.id)) continue;
    shown.add(alert.id);
    notices.push({ id: alert.id, title: ALERT_TITLES[alert.kind], body: alert.message, view: alert.view });
  }
  const downNow = snapshot.providers.filter((p) => p.enabled && p.health === 'down').map((p) => p.provider);
  for (const provider of downNow) {
    if (memory.down.includes(provider)) continue;
    const detail = snapshot.providers.find((p) => p.provider === provider)?.detail;
    notices.push({ id: `provider_down:${provider}:${snapshot.generated_at}`, title: `${provider} is down`, body: detail ?? `Keyway routes around ${provider} until it answers again.`, view: 'providers' });
  }
  for (const provider of memory.down) {
    if (downNow.includes(provider)) continue;
    notices.push({ id: `provider_up:${provider}:${snapshot.generated_at}`, title: `${provider} is back up`, body: `${provider} answers again and is back in routing.`, view: 'providers' });
  }
  // Alert ids carry their period, so old ones never recur; a bounded tail is enough to remember.
  return { notices, memory: { shown: [...shown].slice(-MEMORY_LIMIT), down: downNow } };
}

const ALERT_TITLES: Record<DashboardSnapshot['alerts'][number]['kind'], string> = {
  budget_warning: 'Budget threshold reached',
  budget_exceeded: 'Budget exceeded',
  provider_down: 'Provider down',
  key_invalid: 'API key invalid',
};
