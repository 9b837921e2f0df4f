/** IPC channel names used by Electron main and the preload (kept free of imports: the sandboxed preload bundles it). */
export const IPC = {
  call: 'keyway:call',
  event: 'keyway:event',
  navigate: 'keyway:navigate',
} as const;
