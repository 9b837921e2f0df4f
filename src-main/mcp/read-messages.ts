import type { ReadBuffer } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * Appends a chunk of newline-delimited JSON-RPC and hands over every complete message in it, in
 * order; a line that is not JSON-RPC goes to `onInvalid` and the rest still flow.
 */
export function readMessages(buffer: ReadBuffer, chunk: Buffer, onMessage: (message: JSONRPCMessage) => void, onInvalid: (error: Error) => void): void {
  buffer.append(chunk);
  for (;;) {
    let message: JSONRPCMessage | null;
    try {
      message = buffer.readMessage();
    } catch (error) {
      onInvalid(error as Error);
      continue;
    }
    if (message === null) return;
    onMessage(message);
  }
}
