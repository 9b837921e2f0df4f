#!/usr/bin/env node
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEYWAY_VERSION } from '../shared/version.js';

// Start-up is paid on every run (shells, status bars, editors): load only what this command needs.
// `keyway --version` answers before anything else is loaded; each command imports its own work.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${KEYWAY_VERSION}\n`);
} else {
  void main(argv);
}

async function main(args: string[]): Promise<void> {
  // Loaded as a chunk of its own, as every command's code is: the bundle's chunks never load this entry.
  const { enableCompileCache } = await import('./compile-cache.js');
  enableCompileCache(dirname(fileURLToPath(import.meta.url)));
  const [{ isErrnoException }, { runCli }] = await Promise.all([import('../core/errors.js'), import('./run.js')]);
  // A reader that stopped reading (`keyway audit | head -1`) is not a failure: stop quietly, as Unix tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (isErrnoException(error) && error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  process.exitCode = await runCli(args);
}
