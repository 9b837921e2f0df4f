import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * The largest MCP message Keyway reads or writes: one JSON-RPC line on stdio and the socket, one
 * request body over HTTP. The README states it; the SDK's stdio reader has the same bound.
 */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** JSON-RPC "Invalid Request": the message could not be taken as a request at all. */
export const MESSAGE_TOO_LARGE_CODE = -32600;

const LIMIT_TEXT = `${MAX_MESSAGE_BYTES / (1024 * 1024)} MiB`;

/** The answer to a request that was too large to read: the session goes on. */
export function requestTooLarge(id: RequestId, bytes: number): JSONRPCMessage {
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: MESSAGE_TOO_LARGE_CODE,
      message: `Request refused: it is over ${LIMIT_TEXT} (${bytes} bytes), Keyway's limit for one MCP message. Send less in one call (a shorter text, fewer items).`,
    },
  };
}

/** The answer sent instead of a result too large to send: the session goes on. */
export function answerTooLarge(id: RequestId, bytes: number): JSONRPCMessage {
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: MESSAGE_TOO_LARGE_CODE,
      message: `The answer is ${bytes} bytes, over ${LIMIT_TEXT}, Keyway's limit for one MCP message. Ask for less in one call (fewer days, one provider).`,
    },
  };
}

/**
 * The line to write for `message`: itself when it fits, an error answer in place of an oversized
 * response, or null for an oversized request or notification (it cannot be sent at all).
 */
export function serializeWithinLimit(message: JSONRPCMessage): string | null {
  const line = `${JSON.stringify(message)}\n`;
  // A UTF-8 byte is at least one UTF-16 unit and at most three per unit: skip the count when it must fit.
  const bytes = line.length * 3 <= MAX_MESSAGE_BYTES ? line.length : Buffer.byteLength(line);
  if (bytes - 1 <= MAX_MESSAGE_BYTES) return line;
  if ('id' in message && message.id !== undefined && !('method' in message)) return `${JSON.stringify(answerTooLarge(message.id, bytes - 1))}\n`;
  return null;
}
