import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { KeywayError, isErrnoException } from '../core/errors.js';
import type { McpDeps } from './deps.js';
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
 * newline-delimited JSON-RPC through the SDK's stdio transport over the socket's streams.
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
    const transport = new SocketServerTransport(socket);
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

/**
 * The SDK's stdio transport over a socket, except that an answer for a client that has gone is
 * dropped: the stdio transport would wait for a 'drain' that never comes, once per answer.
 */
class SocketServerTransport extends StdioServerTransport {
  readonly #socket: Socket;

  constructor(socket: Socket) {
    super(socket, socket);
    this.#socket = socket;
  }

  override send(message: JSONRPCMessage): Promise<void> {
    if (this.#socket.destroyed || !this.#socket.writable) return Promise.resolve();
    return super.send(message);
  }
}

function removeStale(path: string): void {
  if (process.platform === 'win32') return;
  try {
    unlinkSync(path);
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'ENOENT') throw error;
  }
}
