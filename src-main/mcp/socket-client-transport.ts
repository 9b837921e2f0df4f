import { connect, type Socket } from 'node:net';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { readMessages } from './read-messages.js';

/** MCP client transport over Keyway's Unix socket: newline-delimited JSON-RPC, as on stdio. */
export class SocketClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #path: string;
  readonly #buffer = new ReadBuffer();
  #socket: Socket | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.#path);
      this.#socket = socket;
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', (error) => this.onerror?.(error));
        resolve();
      });
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) =>
        readMessages(
          this.#buffer,
          chunk,
          (message) => this.onmessage?.(message),
          (error) => this.onerror?.(error),
        ),
      );
      socket.on('close', () => {
        this.#buffer.clear();
        this.onclose?.();
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = this.#socket;
      if (!socket || socket.destroyed) return reject(new Error('Keyway socket is not connected'));
      socket.write(serializeMessage(message), (error) => (error ? reject(error) : resolve()));
    });
  }

  async close(): Promise<void> {
    this.#socket?.end();
    this.#socket?.destroy();
  }
}
