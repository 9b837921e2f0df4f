import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { requestTooLarge, serializeWithinLimit } from './message-size.js';
import { MessageReader } from './read-messages.js';

/**
 * MCP server transport over a pair of streams speaking newline-delimited JSON-RPC: stdin/stdout
 * for `keyway mcp`, or one socket connection. A message over the size limit is answered with an
 * error and the session goes on (the SDK's stdio transport closes the session instead), and an
 * answer for a client that has gone is dropped rather than waiting for a drain that never comes.
 */
export class LineServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #input: Readable;
  readonly #output: Writable;
  readonly #log: ((line: string) => void) | undefined;
  readonly #reader: MessageReader;
  #started = false;

  constructor(input: Readable, output: Writable, log?: (line: string) => void) {
    this.#input = input;
    this.#output = output;
    this.#log = log;
    this.#reader = new MessageReader({
      message: (message) => this.onmessage?.(message),
      invalid: (error) => this.onerror?.(error),
      oversized: ({ bytes, id }) => {
        this.#log?.(`refused a message over the size limit (${bytes} bytes)`);
        if (id !== null) void this.#write(`${JSON.stringify(requestTooLarge(id, bytes))}\n`);
      },
    });
  }

  readonly #onData = (chunk: Buffer): void => this.#reader.push(chunk);
  readonly #onError = (error: Error): void => this.onerror?.(error);

  async start(): Promise<void> {
    if (this.#started) throw new Error('LineServerTransport already started');
    this.#started = true;
    this.#input.on('data', this.#onData);
    this.#input.on('error', this.#onError);
  }

  async close(): Promise<void> {
    this.#input.off('data', this.#onData);
    this.#input.off('error', this.#onError);
    if (this.#input.listenerCount('data') === 0) this.#input.pause();
    this.#reader.clear();
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    const line = serializeWithinLimit(message);
    if (line === null) {
      this.#log?.(`dropped an outgoing ${'method' in message ? message.method : 'message'} over the size limit`);
      return Promise.resolve();
    }
    return this.#write(line);
  }

  #write(line: string): Promise<void> {
    const output = this.#output;
    if (output.destroyed || !output.writable) return Promise.resolve();
    return new Promise((resolve) => {
      if (output.write(line)) resolve();
      else {
        const settle = (): void => {
          output.off('drain', settle);
          output.off('close', settle);
          resolve();
        };
        output.on('drain', settle);
        output.on('close', settle);
      }
    });
  }
}
