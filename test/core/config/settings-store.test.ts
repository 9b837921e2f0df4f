import { renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsStore } from '../../../src-main/core/config/settings-store.js';
import { tempDir } from '../../support/temp-dir.js';

describe('settings.json', () => {
  it.each([
    ['a string where allow_mcp_key_changes is a boolean', { keys: {}, secret_store: null, app: { allow_mcp_key_changes: 'yes' } }, /app\.allow_mcp_key_changes/],
    ['an agent env var that is not a variable name', { keys: {}, secret_store: null, app: { agent_env_vars: ['$(rm -rf /)'] } }, /app\.agent_env_vars\.0/],
    ['a key record for an unknown provider', { keys: { 'x:default': { id: 'x:default', provider: 'mistral' } }, secret_store: null }, /keys\.x:default\.provider/],
    ['an unknown secret store', { keys: {}, secret_store: 'plaintext' }, /secret_store/],
  ])('is schema-checked on read: %s is reported naming the field, and the file is left alone', (_name, content, field) => {
    const dir = tempDir();
    const text = JSON.stringify(content);
    writeFileSync(join(dir, 'settings.json'), text);
    const store = new SettingsStore(dir);
    expect(() => store.read()).toThrow(field);
    expect(() => store.read()).toThrow(/Keyway did not change it/);
  });

  it('fills fields an older file lacks with their defaults', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ keys: {}, secret_store: 'file', app: { launch_at_login: true } }));
    expect(new SettingsStore(dir).read().app).toEqual({ allow_mcp_key_changes: true, health_ping_interval_s: 30, launch_at_login: true, agent_env_vars: [] });
  });

  it('sees every change at once, by this store, another process\'s atomic write or an in-place edit that keeps size and mtime', async () => {
    const dir = tempDir();
    const path = join(dir, 'settings.json');
    const file = (interval: number) => JSON.stringify({ keys: {}, secret_store: 'file', app: { health_ping_interval_s: interval } });
    writeFileSync(path, file(30));
    const store = new SettingsStore(dir);
    expect(store.read().app.health_ping_interval_s).toBe(30);
    expect(store.read()).toBe(store.read()); // unchanged file: the checked contents are reused

    await store.update((data) => void (data.app.health_ping_interval_s = 40));
    expect(store.read().app.health_ping_interval_s).toBe(40);

    writeFileSync(`${path}.tmp`, file(50)); // another process, writing atomically as conf does
    renameSync(`${path}.tmp`, path);
    expect(store.read().app.health_ping_interval_s).toBe(50);

    const before = store.read();
    const { mtime } = await import('node:fs').then((fs) => fs.statSync(path));
    writeFileSync(path, file(60)); // same size, in place, mtime put back: ctime still moves
    utimesSync(path, mtime, mtime);
    expect(store.read().app.health_ping_interval_s).toBe(60);
    expect(store.read()).not.toBe(before);

    writeFileSync(path, '{"keys": {}, "secret_store": "plaintext"}'); // a broken edit is reported, not hidden by the cache
    expect(() => store.read()).toThrow(/secret_store/);
  });

  it('hands out contents no caller can change behind the file\'s back', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ keys: {}, secret_store: 'file', app: { agent_env_vars: ['MY_TOKEN'] } }));
    const store = new SettingsStore(dir);
    const data = store.read();
    expect(() => data.app.agent_env_vars.push('OTHER')).toThrow(TypeError);
    expect(() => (data.app.health_ping_interval_s = 5)).toThrow(TypeError);
    expect(store.read().app.agent_env_vars).toEqual(['MY_TOKEN']);
  });
});
