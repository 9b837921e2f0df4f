import { Command, Option } from 'commander';
import type { CliIo } from './io.js';
import { KEYWAY_VERSION } from '../shared/version.js';

type Register = (program: Command, io: CliIo) => void;

/**
 * Every command group, in the order `keyway --help` lists them, each loaded from its own module.
 * A run loads only the group it names (a shell prompt running `keyway budget` never loads `exec`'s
 * child processes or `keys`' prompts); help, a typo or no command loads them all.
 */
const COMMAND_GROUPS: ReadonlyArray<{ name: string; load: () => Promise<Register> }> = [
  { name: 'keys', load: async () => (await import('./commands/keys.js')).registerKeyCommands },
  { name: 'audit', load: async () => (await import('./commands/audit.js')).registerAuditCommands },
  { name: 'serve', load: async () => (await import('./commands/serve.js')).registerServeCommand },
  { name: 'exec', load: async () => (await import('./commands/exec.js')).registerExecCommand },
  { name: 'mcp', load: async () => (await import('./commands/mcp.js')).registerMcpCommand },
  { name: 'mcp-config', load: async () => (await import('./commands/mcp-config.js')).registerMcpConfigCommand },
  { name: 'track', load: async () => (await import('./commands/track.js')).registerTrackCommand },
  { name: 'usage', load: async () => (await import('./commands/usage.js')).registerUsageCommands },
  { name: 'estimate', load: async () => (await import('./commands/estimate.js')).registerEstimateCommand },
  { name: 'budget', load: async () => (await import('./commands/budget.js')).registerBudgetCommands },
  { name: 'route', load: async () => (await import('./commands/route.js')).registerRouteCommand },
  { name: 'providers', load: async () => (await import('./commands/providers.js')).registerProviderCommands },
  { name: 'recommend', load: async () => (await import('./commands/recommend.js')).registerRecommendCommand },
  { name: 'settings', load: async () => (await import('./commands/settings.js')).registerSettingsCommands },
  { name: 'tokens', load: async () => (await import('./commands/tokens.js')).registerTokenCommands },
  { name: 'prices', load: async () => (await import('./commands/prices.js')).registerPricesCommands },
];

/** Global options that take a value, so the word after them is not the command. */
const VALUE_OPTIONS = new Set(['--data-dir', '--store', '--config']);

/** The command word of `argv` (after any global options), if any. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

export interface GlobalOptions {
  dataDir?: string;
  store?: string;
  json?: boolean;
  config?: string;
}

/**
 * The `keyway` command tree for `argv`. Each command group registers itself from its own module;
 * only the group `argv` names is loaded when it names one (all of them without `argv`).
 */
export async function buildProgram(io: CliIo, argv?: readonly string[]): Promise<Command> {
  const program = new Command('keyway')
    .description('AI-provider API keys in your OS keychain, with routing, usage, budgets and a local MCP server.')
    .version(KEYWAY_VERSION)
    .option('--data-dir <dir>', 'data directory (default: KEYWAY_DATA_DIR or the platform app-data folder)')
    .addOption(new Option('--store <store>', 'secret store (default: KEYWAY_SECRET_STORE, else the one this data dir uses, else the OS keychain when it answers, else the encrypted file when SECRET_KEY is set)').choices(['keychain', 'file']))
    .option('--json', 'print results as JSON')
    .option('--config <path>', 'routing_config.json to use in place (default: KEYWAY_CONFIG, else the one in the data dir)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run with --help for usage)')
    .hook('preAction', (_program, action) => io.configure(action.optsWithGlobals<GlobalOptions>()));

  const word = argv === undefined ? undefined : commandWord(argv);
  const named = COMMAND_GROUPS.filter((group) => word !== undefined && group.name === word);
  const groups = named.length > 0 ? named : COMMAND_GROUPS;
  for (const register of await Promise.all(groups.map((group) => group.load()))) register(program, io);
  return program;
}
