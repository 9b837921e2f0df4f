import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { KeywayError, isErrnoException } from '../core/errors.js';
import type { McpDeps } from './deps.js';
import { LineServerTransport } from './line-server-transport.js';
import { createMcpServer } from './server.js';

/** sun_path is 104 bytes on macOS and 108 on Linux, terminator included. */
const MAX_SOCKET_PATH_BYTES = 103;

export interface RunningSocketServer {
  path: string;
  /** Open connections right now. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * Serves MCP on a Unix socket (owner-only, 0600): one MCP server per connection, speaking
 * newline-delimited JSON-RPC over the socket's streams (messages up to MAX_MESSAGE_BYTES).
 * The caller has already made sure no live server owns `path`; a leftover file is replaced.
 */
export async function listenMcpSocket(
  path: string,
  deps: McpDeps,
  /** Extra handlers for socket connections only (the CLI's service RPC). */
  extend?: (server: McpServer) => void,
): Promise<RunningSocketServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const transport = new LineServerTransport(socket, socket, (line) => deps.log?.(`socket: ${line}`, 'warning'));
    const connection = createMcpServer({ ...deps, transport: 'socket' });
    extend?.(connection.server);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      void connection.server.close().catch(() => {});
      connection.cleanup();
    });
    connection.server.connect(transport).catch(() => socket.destroy());
  });
  if (process.platform !== 'win32' && Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new KeywayError(
      'data_dir_unusable',
      `The socket path ${path} is ${Buffer.byteLength(path)} bytes; Unix sockets allow ${MAX_SOCKET_PATH_BYTES}. Choose a shorter --data-dir or KEYWAY_DATA_DIR.`,
    );
  }
  removeStale(path);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return {
    path,
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function removeStale(path: string): void {
  if (process.platform === 'win32') return;
  try {
    unlinkSync(path);
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'ENOENT') throw error;
  }
}
