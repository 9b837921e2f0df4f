import { writeFileSync } from 'node:fs';
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
});
