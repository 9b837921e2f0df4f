import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export function registerMcpCommand(program: Command, io: CliIo): void {
  program
    .command('mcp')
    .description('MCP over stdio, for an editor to launch: bridges to the running service, or serves in-process')
    .action(async (_options: unknown, command: Command) => {
      const { dataDir } = command.optsWithGlobals<{ dataDir?: string }>();
      // Only protocol messages may reach stdout; every diagnostic goes to stderr.
      const log = (line: string) => io.err(`keyway mcp: ${line}`);
      const [{ resolveDataDir }, { findRunningServer }] = await Promise.all([import('../../core/data-dir.js'), import('../../server/server-info.js')]);
      const running = await findRunningServer(resolveDataDir(dataDir, io.env));
      if (running) {
        log(`bridging to the running service (pid ${running.pid})`);
        const { bridgeStdioToSocket } = await import('../../mcp/stdio-bridge.js');
        await bridgeStdioToSocket({ socket: running.socket, stdin: process.stdin, stdout: process.stdout, env: io.env, log });
        return;
      }
      const [service, { StdioServerTransport }, { countingInFlight, DRAIN_TIMEOUT_MS, InFlightRequests }, { createMcpServer }] = await Promise.all([
        io.service(),
        import('@modelcontextprotocol/sdk/server/stdio.js'),
        import('../../mcp/in-flight.js'),
        import('../../mcp/server.js'),
      ]);
      // A long-lived server like `keyway serve`: edits of routing_config.json apply without a restart.
      service.providers.watcher.start();
      const connection = createMcpServer({ service, transport: 'stdio', log, processLogLevel: io.env.KEYWAY_DEBUG ? 'debug' : 'info' });
      const inFlight = new InFlightRequests();
      const transport = countingInFlight(new StdioServerTransport(), inFlight);
      const closed = new Promise<void>((resolve) => {
        process.stdin.once('end', resolve);
        process.stdin.once('close', resolve);
        transport.onclose = () => resolve();
      });
      await connection.server.connect(transport);
      await closed;
      // The editor may close stdin right behind its last requests: answer them before closing.
      if (!(await inFlight.idle())) log(`closing with ${inFlight.size} request(s) unanswered after ${DRAIN_TIMEOUT_MS / 1000} s`);
      connection.cleanup();
      await connection.server.close();
    });
}
