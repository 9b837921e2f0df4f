import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent, KeywayBridge } from '../shared/api-contract.js';
import { IPC } from '../shared/ipc-channels.js';

/** The one typed facade the page gets (`window.keyway`); no Electron or Node object crosses over. */
const bridge: KeywayBridge = {
  call: (channel, input) => ipcRenderer.invoke(IPC.call, channel, input),
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, notice: ApiEvent): void => listener({ name: notice.name });
    ipcRenderer.on(IPC.event, handler);
    return () => ipcRenderer.off(IPC.event, handler);
  },
  onNavigate(listener) {
    const handler = (_event: IpcRendererEvent, view: unknown): void => {
      if (typeof view === 'string') listener(view);
    };
    ipcRenderer.on(IPC.navigate, handler);
    return () => ipcRenderer.off(IPC.navigate, handler);
  },
};

contextBridge.exposeInMainWorld('keyway', bridge);
