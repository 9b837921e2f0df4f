import { Menu, Tray, nativeImage, nativeTheme, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { DashboardSnapshot } from '../shared/dashboard.js';
import { trayIconFile, trayMenu, trayState, trayTooltip, type TrayMenuAction, type TrayMenuItem } from '../core/tray-state.js';

export interface KeywayTray {
  tray: Tray;
  update(snapshot: DashboardSnapshot, launchAtLogin: boolean): void;
}

/** The tray icon; what it shows comes from the pure functions in core/tray-state.ts. */
export function createTray(options: { trayDir: string; onClick: (tray: Tray) => void; onAction: (action: TrayMenuAction) => void }): KeywayTray {
  const image = (file: string): Electron.NativeImage => {
    const icon = nativeImage.createFromPath(join(options.trayDir, file));
    // macOS tints template images for the menu bar itself.
    if (process.platform === 'darwin') icon.setTemplateImage(true);
    return icon;
  };
  const theme = (): 'light' | 'dark' => (nativeTheme.shouldUseDarkColors ? 'dark' : 'light');
  const tray = new Tray(image(trayIconFile({ level: 'ok', marker: false }, theme())));
  tray.setToolTip('Keyway');
  tray.on('click', () => options.onClick(tray));
  const toTemplate = (item: TrayMenuItem): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'submenu':
        return { label: item.label, submenu: item.items.map(toTemplate) };
      case 'checkbox':
        return { label: item.label, type: 'checkbox', checked: item.checked, click: () => options.onAction(item.action) };
      case 'item':
        return { label: item.label, click: () => options.onAction(item.action) };
    }
  };
  return {
    tray,
    update(snapshot, launchAtLogin) {
      tray.setImage(image(trayIconFile(trayState(snapshot), theme())));
      tray.setToolTip(trayTooltip(snapshot));
      tray.setContextMenu(Menu.buildFromTemplate(trayMenu({ launchAtLogin }).map(toTemplate)));
    },
  };
}
