import { app, clipboard, dialog, nativeTheme, session, shell, type Rectangle } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDashboard } from '../core/dashboard.js';
import { resolveDataDir } from '../core/data-dir.js';
import { isKeywayError } from '../core/errors.js';
import { mcpClientConfig } from '../core/mcp-client-config.js';
import { KeywayService } from '../core/service.js';
import type { TrayMenuAction } from '../core/tray-state.js';
import { readDashboardToken } from '../http/auth.js';
import { UI_CSP } from '../http/static-ui.js';
import { startKeywayServer, type RunningKeywayServer } from '../server/keyway-server.js';
import { resolvePort } from '../server/port.js';
import { findRunningServer, readServerInfo } from '../server/server-info.js';
import { OWNER_GUI } from '../shared/caller.js';
import type { AppView } from '../shared/dashboard.js';
import { setupIpc } from './ipc.js';
import { notifyFor } from './notifications.js';
import { createPopover, type Popover } from './popover.js';
import { createTray, type KeywayTray } from './tray.js';
import { openUiState } from './ui-state.js';

const here = dirname(fileURLToPath(import.meta.url));
const REFRESH_MS = 60_000;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.whenReady().then(start).catch((error: unknown) => fail(error));
}

function resourcesDir(): string {
  return app.isPackaged ? join(process.resourcesPath, 'resources') : join(app.getAppPath(), 'resources');
}

async function start(): Promise<void> {
  app.dock?.hide();
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [UI_CSP] } }),
  );

  // One process owns a data dir: look for a running `keyway serve` before opening (and so touching) its files.
  const dataDir = resolveDataDir(undefined);
  const running = await findRunningServer(dataDir);
  if (running) {
    await offerRunningDashboard(dataDir, `Keyway is already serving ${dataDir} (pid ${running.pid}, ${running.mcp_url}).`);
    app.exit(0);
    return;
  }
  const service = KeywayService.open({ dataDir });
  const uiState = openUiState();
  const serve = (port: number): Promise<RunningKeywayServer> => startKeywayServer({ service, port, uiDir: join(here, '../renderer') });
  // An invalid KEYWAY_PORT stops the start with its message (the same rule as `keyway serve`).
  const port = resolvePort(undefined, process.env);
  let server: RunningKeywayServer;
  try {
    server = await serve(port);
  } catch (error) {
    // A `keyway serve` that started in the meantime: say so instead of sharing the files.
    if (isKeywayError(error) && error.code === 'service_running') {
      service.close();
      await offerRunningDashboard(service.dataDir, error.message);
      app.exit(0);
      return;
    }
    // The usual port is taken by another program: any free port will do (server.json tells the CLI which).
    server = await serve(0);
  }

  const popover: Popover = createPopover({
    preloadPath: join(here, '../preload/preload.cjs'),
    rendererDir: join(here, '../renderer'),
    devUrl: process.env.ELECTRON_RENDERER_URL,
    uiState,
  });
  const stopIpc = setupIpc(service, popover);
  let tray: KeywayTray | undefined;
  const anchor = (): Rectangle | undefined => tray?.tray.getBounds();
  const open = (view: AppView): void => popover.show(view, anchor());

  const onAction = (action: TrayMenuAction): void => {
    if (action === 'open') return open(uiState.get('last_view'));
    if (action === 'add-key') return open('keys');
    if (action === 'quit') return app.quit();
    if (action === 'toggle-launch-at-login') {
      service
        .updateAppSettings({ launch_at_login: !service.appSettings().launch_at_login }, OWNER_GUI)
        .catch((error: unknown) => dialog.showErrorBox('Launch at login was not changed', error instanceof Error ? error.message : String(error)));
      return;
    }
    const client = action.slice('copy-mcp-config:'.length) as Parameters<typeof mcpClientConfig>[0];
    clipboard.writeText(
      mcpClientConfig(client, {
        command: process.execPath,
        args: [join(app.getAppPath(), 'dist/cli/main.cjs'), 'mcp'],
        env: { ELECTRON_RUN_AS_NODE: '1', KEYWAY_DATA_DIR: service.dataDir },
      }),
    );
  };
  tray = createTray({ trayDir: join(resourcesDir(), 'tray'), onClick: (t) => popover.toggle(t.getBounds()), onAction });

  const applyLoginItem = (): void => app.setLoginItemSettings({ openAtLogin: service.appSettings().launch_at_login });
  applyLoginItem();

  let pending: ReturnType<typeof setTimeout> | undefined;
  const refresh = (): void => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      try {
        const snapshot = buildDashboard(service);
        tray?.update(snapshot, service.appSettings().launch_at_login);
        notifyFor(snapshot, uiState, open);
      } catch (error) {
        console.error(`Keyway: tray refresh failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }, 200);
  };
  const offEvents = service.events.onAny((name) => {
    if (name === 'settings.changed') applyLoginItem();
    refresh();
  });
  // Menu bar theme switches pick the matching icon; the timer rolls the day and month over.
  nativeTheme.on('updated', refresh);
  const timer = setInterval(refresh, REFRESH_MS);
  refresh();

  app.on('second-instance', () => open(uiState.get('last_view')));
  app.on('window-all-closed', () => {
    // A tray app keeps running with no window open.
  });
  app.on('before-quit', () => {
    clearInterval(timer);
    offEvents();
    stopIpc();
    void server.close().finally(() => service.close());
  });
}

/** `keyway serve` already owns this data dir: offer its browser dashboard (the same UI and data) instead. */
async function offerRunningDashboard(dataDir: string, reason: string): Promise<void> {
  const info = readServerInfo(dataDir);
  const choice = await dialog.showMessageBox({
    type: 'info',
    title: 'Keyway is already running',
    message: 'Keyway is already running on this data directory',
    detail: `${reason}\n\nIts browser dashboard shows the same data. To use the tray app instead, stop that service and start Keyway again.`,
    buttons: info ? ['Open dashboard', 'Close'] : ['Close'],
    defaultId: 0,
    cancelId: info ? 1 : 0,
  });
  const token = readDashboardToken(dataDir);
  if (info && choice.response === 0) await shell.openExternal(`${info.http_origin}/ui/${token ? `#token=${token}` : ''}`);
}

function fail(error: unknown): void {
  dialog.showErrorBox('Keyway could not start', error instanceof Error ? error.message : String(error));
  app.exit(1);
}
