import { describe, expect, it, vi } from 'vitest';
import type { KeywayBridge } from '../../src-main/shared/api-contract.js';
import { IPC } from '../../src-main/shared/ipc-channels.js';

// Stand-ins for the Electron runtime only: record what the preload exposes and sends.
const exposed = new Map<string, unknown>();
const invoked: unknown[][] = [];
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      invoked.push(args);
      return Promise.resolve({ ok: true, result: null });
    },
    on: (channel: string, fn: (...args: unknown[]) => void) => (listeners.get(channel) ?? listeners.set(channel, new Set()).get(channel)!).add(fn),
    off: (channel: string, fn: (...args: unknown[]) => void) => listeners.get(channel)?.delete(fn),
  },
}));

await import('../../src-main/electron/preload.js');
const bridge = exposed.get('keyway') as KeywayBridge;
const emit = (channel: string, ...args: unknown[]) => listeners.get(channel)?.forEach((fn) => fn({ sender: 'ipc-event' }, ...args));

describe('preload bridge', () => {
  it('exposes exactly one facade, window.keyway, with call, onEvent and onNavigate', () => {
    expect([...exposed.keys()]).toEqual(['keyway']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'onEvent', 'onNavigate']);
  });

  it('sends every call over the one invoke channel', async () => {
    await bridge.call('keys.list', {});
    expect(invoked).toEqual([[IPC.call, 'keys.list', {}]]);
  });

  it('hands the page only the event name, never the Electron event object', () => {
    const seen: unknown[] = [];
    const off = bridge.onEvent((e) => seen.push(e));
    emit(IPC.event, { name: 'usage.tracked', extra: 'dropped' });
    off();
    emit(IPC.event, { name: 'key.changed' });
    expect(seen).toEqual([{ name: 'usage.tracked' }]);
  });

  it('passes on navigation requests only when they are strings', () => {
    const views: string[] = [];
    bridge.onNavigate((v) => views.push(v));
    emit(IPC.navigate, 'keys');
    emit(IPC.navigate, { view: 'keys' });
    expect(views).toEqual(['keys']);
  });
});
