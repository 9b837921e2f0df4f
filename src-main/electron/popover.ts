import { BrowserWindow, screen, type Rectangle } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppView } from '../shared/dashboard.js';
import { IPC } from '../shared/ipc-channels.js';
import type { UiStateStore } from './ui-state.js';

export const POPOVER_SIZE = { width: 380, height: 560 } as const;

export interface Popover {
  window: BrowserWindow;
  /** The URL prefix IPC senders must come from. */
  rendererOrigin: string;
  toggle(anchor: Rectangle): void;
  show(view?: AppView, anchor?: Rectangle): void;
}

/**
 * The frameless popover anchored at the tray icon: sandboxed, no Node, no navigation, no new
 * windows; the page gets only the preload's typed bridge. Hides when it loses focus.
 */
export function createPopover(options: { preloadPath: string; rendererDir: string; devUrl?: string; uiState: UiStateStore }): Popover {
  const window = new BrowserWindow({
    ...POPOVER_SIZE,
    show: false,
    frame: false,
    resizable: false,
    movable: true,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    title: 'Keyway',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
      safeDialogs: true,
    },
  });
  const indexFile = join(options.rendererDir, 'index.html');
  // With the trailing slash, so a sibling folder such as renderer-x/ does not match.
  const rendererOrigin = options.devUrl ?? new URL('./', pathToFileURL(indexFile)).href;
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // Clicking the tray icon while the popover is open blurs it first; that click must not reopen it.
  let hiddenOnBlurAt = 0;
  window.on('blur', () => {
    hiddenOnBlurAt = Date.now();
    window.hide();
  });
  window.on('moved', () => {
    const [x = 0, y = 0] = window.getPosition();
    options.uiState.set('window_position', { x, y });
  });
  if (options.devUrl) void window.loadURL(options.devUrl);
  else void window.loadFile(indexFile);

  const place = (anchor?: Rectangle): void => {
    const saved = options.uiState.get('window_position');
    if (saved) return window.setPosition(saved.x, saved.y);
    if (!anchor) return window.center();
    const area = screen.getDisplayNearestPoint({ x: anchor.x, y: anchor.y }).workArea;
    const x = Math.round(Math.min(Math.max(anchor.x + anchor.width / 2 - POPOVER_SIZE.width / 2, area.x), area.x + area.width - POPOVER_SIZE.width));
    const below = anchor.y < area.y + area.height / 2;
    const y = below ? anchor.y + anchor.height + 4 : anchor.y - POPOVER_SIZE.height - 4;
    window.setPosition(x, Math.round(Math.min(Math.max(y, area.y), area.y + area.height - POPOVER_SIZE.height)));
  };

  const show = (view?: AppView, anchor?: Rectangle): void => {
    place(anchor);
    if (view) {
      options.uiState.set('last_view', view);
      window.webContents.send(IPC.navigate, view);
    }
    window.show();
    window.focus();
  };

  return {
    window,
    rendererOrigin,
    show,
    toggle: (anchor) => {
      if (window.isVisible()) return window.hide();
      if (Date.now() - hiddenOnBlurAt > 300) show(undefined, anchor);
    },
  };
}
