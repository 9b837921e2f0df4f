import { CommanderError } from 'commander';
import { toErrorInfo } from '../core/errors.js';
import { remedyCommand } from '../shared/remedy.js';
import { buildProgram } from './program.js';
import { CliIo, processIo } from './io.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Runs one `keyway` invocation and returns its exit code: 0 ok, 1 failed operation, 2 usage error. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    const program = await buildProgram(io, argv);
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode ?? EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const info = toErrorInfo(error);
    if (io.json) io.out(JSON.stringify({ error: info }, null, 2));
    io.err(`keyway: ${info.message}`);
    if (info.remedy) io.err(`  to fix: ${remedyCommand(info.remedy)}`);
    if (process.env.KEYWAY_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
    return EXIT_FAILED;
  } finally {
    io.close();
  }
}
