import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { dispatchApi } from '../core/api-dispatch.js';
import type { KeywayService } from '../core/service.js';
import type { ApiChannel, ApiEvent, ApiResponse } from '../shared/api-contract.js';
import { IPC } from '../shared/ipc-channels.js';
import type { Popover } from './popover.js';

/**
 * The app API over IPC: one handler for every channel of the contract. The payload is untrusted
 * and is validated by dispatchApi with the same schemas as HTTP /api; calls from anything but the
 * popover's own page are refused. Change notices are pushed to the page.
 */
export function setupIpc(service: KeywayService, popover: Popover): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean =>
    event.sender === popover.window.webContents && (event.senderFrame?.url ?? '').startsWith(popover.rendererOrigin);

  ipcMain.handle(IPC.call, (event, channel: unknown, input: unknown): Promise<ApiResponse<ApiChannel>> | ApiResponse<ApiChannel> => {
    if (!trusted(event)) return { ok: false, error: { code: 'forbidden', message: 'Only the Keyway window may call the Keyway API.' } };
    return dispatchApi(service, channel, input, { actor: 'gui' });
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
