import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { dispatchToResponse } from '../core/dispatch.js';
import type { KeywayService } from '../core/service.js';
import type { ApiEvent, ApiResponse } from '../shared/api-contract.js';
import { OWNER_GUI } from '../shared/caller.js';
import type { Channel } from '../shared/channels.js';
import { IPC } from '../shared/ipc-channels.js';
import type { Popover } from './popover.js';

/**
 * The app API over IPC: one handler for every channel of the map. The payload is untrusted and goes
 * through the one dispatch (validation, authority) like HTTP /api, as the owner's GUI; calls from
 * anything but the popover's own page are refused. Change notices are pushed to the page.
 */
export function setupIpc(service: KeywayService, popover: Popover): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean =>
    event.sender === popover.window.webContents && (event.senderFrame?.url ?? '').startsWith(popover.rendererOrigin);

  ipcMain.handle(IPC.call, (event, channel: unknown, input: unknown): Promise<ApiResponse<Channel>> | ApiResponse<Channel> => {
    if (!trusted(event)) return { ok: false, error: { code: 'forbidden', message: 'Only the Keyway window may call the Keyway API.' } };
    return dispatchToResponse(service, channel, input, OWNER_GUI);
  });
  const off = service.events.onAny((name) => {
    const notice: ApiEvent = { name };
    if (!popover.window.isDestroyed()) popover.window.webContents.send(IPC.event, notice);
  });
  return () => {
    ipcMain.removeHandler(IPC.call);
    off();
  };
}
