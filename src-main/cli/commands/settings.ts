import { InvalidArgumentError, type Command } from 'commander';
import type { AppSettingsPatch, AppSettingsView } from '../../shared/app-settings.js';
import type { CliIo } from '../io.js';

const FLAGS = ['allow_mcp_key_changes', 'launch_at_login'] as const;

/** `keyway settings` (show), `settings set NAME VALUE`, `settings allow-env VAR` / `disallow-env VAR`. */
export function registerSettingsCommands(program: Command, io: CliIo): void {
  const settings = program
    .command('settings')
    .description('show the app settings (what agents may do, health pings, launch at login)')
    .action(async () => {
      io.print(await (await io.api()).call('settings.get', {}), formatSettings);
    });

  settings
    .command('set')
    .description(`change one setting: ${FLAGS.join(', ')} (true|false) or health_ping_interval_s (seconds)`)
    .argument('<name>', 'setting name')
    .argument('<value>', 'new value')
    .action(async (name: string, value: string) => {
      const result = await (await io.api()).call('settings.update', patchOf(name, value));
      io.print(result, (r) => `Updated ${name}.\n${formatSettings(r)}`);
    });

  settings
    .command('allow-env')
    .description("let agents (MCP, editor tokens) read this environment variable for a key, besides each provider's own")
    .argument('<VAR>', 'environment variable name')
    .action(async (name: string) => {
      const api = await io.api();
      const current = await api.call('settings.get', {});
      const names = [...new Set([...current.agent_env_vars, name])];
      io.print(await api.call('settings.update', { agent_env_vars: names }), formatSettings);
    });

  settings
    .command('disallow-env')
    .description('take back allow-env')
    .argument('<VAR>', 'environment variable name')
    .action(async (name: string) => {
      const api = await io.api();
      const current = await api.call('settings.get', {});
      io.print(await api.call('settings.update', { agent_env_vars: current.agent_env_vars.filter((n) => n !== name) }), formatSettings);
    });
}

function patchOf(name: string, value: string): AppSettingsPatch {
  if ((FLAGS as readonly string[]).includes(name)) {
    if (value !== 'true' && value !== 'false') throw new InvalidArgumentError(`${name} must be true or false, got "${value}".`);
    return { [name]: value === 'true' };
  }
  if (name === 'health_ping_interval_s') return { health_ping_interval_s: Number(value) };
  throw new InvalidArgumentError(`Unknown setting "${name}". Use one of: ${[...FLAGS, 'health_ping_interval_s'].join(', ')} (allow-env for agent_env_vars).`);
}

function formatSettings(s: AppSettingsView): string {
  return [
    `allow_mcp_key_changes  ${String(s.allow_mcp_key_changes)}`,
    `agent_env_vars         ${s.agent_env_vars.length > 0 ? s.agent_env_vars.join(', ') : "(none: agents read only each provider's own key variables)"}`,
    `health_ping_interval_s ${s.health_ping_interval_s}`,
    `launch_at_login        ${String(s.launch_at_login)}`,
    `data_dir               ${s.data_dir}`,
    `secret_store           ${s.secret_store ?? '(not chosen yet)'}`,
  ].join('\n');
}
