import { Command, Option } from 'commander';
import type { CliIo } from './io.js';
import { KEYWAY_VERSION } from './version.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerMcpConfigCommand } from './commands/mcp-config.js';
import { registerServeCommand } from './commands/serve.js';
import { registerExecCommand } from './commands/exec.js';
import { registerTrackCommand } from './commands/track.js';
import { registerUsageCommands } from './commands/usage.js';
import { registerEstimateCommand } from './commands/estimate.js';
import { registerBudgetCommands } from './commands/budget.js';
import { registerRouteCommand } from './commands/route.js';
import { registerProviderCommands } from './commands/providers.js';
import { registerRecommendCommand } from './commands/recommend.js';
import { registerSettingsCommands } from './commands/settings.js';
import { registerTokenCommands } from './commands/tokens.js';
import { registerPricesCommands } from './commands/prices.js';

export interface GlobalOptions {
  dataDir?: string;
  store?: string;
  json?: boolean;
  config?: string;
}

/** The `keyway` command tree. Each command group registers itself from its own module. */
export function buildProgram(io: CliIo): Command {
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

  registerKeyCommands(program, io);
  registerAuditCommands(program, io);
  registerServeCommand(program, io);
  registerExecCommand(program, io);
  registerMcpCommand(program, io);
  registerMcpConfigCommand(program, io);
  registerTrackCommand(program, io);
  registerUsageCommands(program, io);
  registerEstimateCommand(program, io);
  registerBudgetCommands(program, io);
  registerRouteCommand(program, io);
  registerProviderCommands(program, io);
  registerRecommendCommand(program, io);
  registerSettingsCommands(program, io);
  registerTokenCommands(program, io);
  registerPricesCommands(program, io);
  return program;
}
