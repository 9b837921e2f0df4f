import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KeywayService } from '../../src-main/core/service.js';
import { IPC } from '../../src-main/shared/ipc-channels.js';
import { canaryKey } from '../support/canary.js';
import { openTestService } from '../support/service.js';

// The Electron runtime is the one thing tests replace: ipcMain records handlers so they can be invoked.
const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { setupIpc } = await import('../../src-main/electron/ipc.js');

const RENDERER = 'file:///opt/Keyway/resources/app.asar/out/renderer';
let service: KeywayService;
let sent: Array<[string, unknown]>;
let stop: () => void;
const webContents = { send: (channel: string, payload: unknown) => sent.push([channel, payload]) };
const popover = { window: { webContents, isDestroyed: () => false }, rendererOrigin: RENDERER } as never;
const fromPopover = { sender: webContents, senderFrame: { url: `${RENDERER}/index.html` } };

beforeEach(() => {
  service = openTestService({ timeZone: 'UTC' });
  sent = [];
  stop = setupIpc(service, popover);
});
afterEach(() => {
  stop();
  service.close();
});

const invoke = (event: unknown, channel: unknown, input: unknown) => handlers.get(IPC.call)!(event, channel, input);

describe('IPC handler', () => {
  it('answers the popover with the contract envelope', async () => {
    const response = await invoke(fromPopover, 'settings.get', {});
    expect(response).toMatchObject({ ok: true, result: { data_dir: service.dataDir } });
  });

  it.each([
    ['another window', { sender: { send: () => {} }, senderFrame: { url: `${RENDERER}/index.html` } }],
    ['a frame navigated elsewhere', { sender: webContents, senderFrame: { url: 'https://evil.example/' } }],
    ['a frame that is gone', { sender: webContents, senderFrame: null }],
  ])('refuses calls from %s', async (_name, event) => {
    const response = await invoke(event, 'keys.add', { provider: 'openai', api_key: canaryKey('openai') });
    expect(response).toEqual({ ok: false, error: { code: 'forbidden', message: 'Only the Keyway window may call the Keyway API.' } });
    expect(service.listKeys().keys).toEqual([]);
  });

  it.each([
    ['no payload at all', 'keys.add', undefined],
    ['a string payload', 'keys.add', 'sk-abc'],
    ['a payload with extra fields', 'keys.remove', { provider: 'openai', label: 'default', force: true }],
    ['an unknown channel', 'shell.exec', { cmd: 'rm -rf /' }],
  ])('validates untrusted payloads in main: %s', async (_name, channel, input) => {
    const response = (await invoke(fromPopover, channel, input)) as { ok: boolean; error?: { code: string } };
    expect(response.ok).toBe(false);
    expect(response.error?.code).toBe('invalid_input');
  });

  it('pushes a data-free change notice to the page when the service changes', async () => {
    await service.addKey({ provider: 'openai', api_key: canaryKey('openai') }, { principal: 'owner', actor: 'test' });
    expect(sent).toEqual([[IPC.event, { name: 'key.changed' }]]);
  });

  it('removes its handler and subscription when stopped', async () => {
    stop();
    expect(handlers.has(IPC.call)).toBe(false);
    await service.addKey({ provider: 'openai', api_key: canaryKey('openai') }, { principal: 'owner', actor: 'test' });
    expect(sent).toEqual([]);
    stop = () => {};
  });
});
