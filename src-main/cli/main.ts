#!/usr/bin/env node
import { isErrnoException } from '../core/errors.js';
import { runCli } from './run.js';

// A reader that stopped reading (`keyway audit | head -1`) is not a failure: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (isErrnoException(error) && error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
