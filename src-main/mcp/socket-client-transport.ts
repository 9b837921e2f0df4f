import { connect, type Socket } from 'node:net';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { KeywayError } from '../core/errors.js';
import { answerTooLarge, MAX_MESSAGE_BYTES } from './message-size.js';
import { MessageReader } from './read-messages.js';

/** MCP client transport over Keyway's Unix socket: newline-delimited JSON-RPC, as on stdio. */
export class SocketClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #path: string;
  readonly #reader = new MessageReader({
    message: (message) => this.onmessage?.(message),
    invalid: (error) => this.onerror?.(error),
    // The request it answers fails at once with a clear error instead of waiting for a timeout.
    oversized: ({ bytes, id }) => {
      if (id !== null) this.onmessage?.(answerTooLarge(id, bytes));
      else this.onerror?.(new Error(`dropped a message from the service over ${MAX_MESSAGE_BYTES} bytes`));
    },
  });
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
      socket.on('data', (chunk: Buffer) => this.#reader.push(chunk));
      socket.on('close', () => {
        this.#reader.clear();
        this.onclose?.();
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = this.#socket;
      if (!socket || socket.destroyed) return reject(new Error('Keyway socket is not connected'));
      const line = `${JSON.stringify(message)}\n`;
      const bytes = Buffer.byteLength(line) - 1;
      if (bytes > MAX_MESSAGE_BYTES) {
        return reject(
          new KeywayError(
            'invalid_input',
            `The request is ${bytes} bytes, over ${MAX_MESSAGE_BYTES / (1024 * 1024)} MiB, the limit for one message to the running service. Send less in one call (for estimate --text, a smaller file).`,
          ),
        );
      }
      socket.write(line, (error) => (error ? reject(error) : resolve()));
    });
  }

  async close(): Promise<void> {
    this.#socket?.end();
    this.#socket?.destroy();
  }
}
