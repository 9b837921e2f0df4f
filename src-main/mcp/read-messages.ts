import { deserializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { MAX_MESSAGE_BYTES } from './message-size.js';

/** A line longer than the limit, skipped unread: its size and its id, when one could be seen. */
export interface OversizedMessage {
  bytes: number;
  /** The top-level id, read from the line's first or last bytes; null when none was found. */
  id: RequestId | null;
}

export interface MessageHandlers {
  message(message: JSONRPCMessage): void;
  /** A line that is not JSON-RPC; the lines after it still flow. */
  invalid(error: Error): void;
  /** A line over the limit; it was dropped without being held in memory, and the lines after it still flow. */
  oversized(message: OversizedMessage): void;
}

/** How much of an oversized line's start and end is kept to find its id. */
const EDGE_BYTES = 4096;

/**
 * Splits a stream of newline-delimited JSON-RPC into messages, in order. Unlike the SDK's
 * ReadBuffer (which throws, and loses the stream, once a line passes its limit), a line over
 * `maxBytes` is skipped up to its newline while holding only its edges, and reported.
 */
export class MessageReader {
  readonly #handlers: MessageHandlers;
  readonly #maxBytes: number;
  #chunks: Buffer[] = [];
  #size = 0;
  #skipping: { bytes: number; head: Buffer; tail: Buffer } | null = null;

  constructor(handlers: MessageHandlers, maxBytes = MAX_MESSAGE_BYTES) {
    this.#handlers = handlers;
    this.#maxBytes = maxBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, newline === -1 ? chunk.length : newline);
      if (this.#skipping) this.#skip(piece);
      else if (this.#size + piece.length > this.#maxBytes) {
        const held = Buffer.concat([...this.#chunks, piece]);
        this.#chunks = [];
        this.#size = 0;
        this.#skipping = { bytes: 0, head: held.subarray(0, EDGE_BYTES), tail: Buffer.alloc(0) };
        this.#skip(held);
      } else if (piece.length > 0) {
        this.#chunks.push(piece);
        this.#size += piece.length;
      }
      if (newline === -1) return;
      this.#endLine();
      start = newline + 1;
    }
  }

  clear(): void {
    this.#chunks = [];
    this.#size = 0;
    this.#skipping = null;
  }

  #skip(piece: Buffer): void {
    const skipping = this.#skipping!;
    skipping.bytes += piece.length;
    const tail = Buffer.concat([skipping.tail, piece.subarray(Math.max(0, piece.length - EDGE_BYTES))]);
    skipping.tail = tail.subarray(Math.max(0, tail.length - EDGE_BYTES));
  }

  #endLine(): void {
    const skipping = this.#skipping;
    if (skipping) {
      this.#skipping = null;
      this.#handlers.oversized({ bytes: skipping.bytes, id: topLevelId(skipping.head.toString('utf8'), skipping.tail.toString('utf8')) });
      return;
    }
    const line = Buffer.concat(this.#chunks, this.#size).toString('utf8').replace(/\r$/, '');
    this.#chunks = [];
    this.#size = 0;
    if (line.trim() === '') return;
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(line);
    } catch (error) {
      this.#handlers.invalid(error as Error);
      return;
    }
    this.#handlers.message(message);
  }
}

const ID = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
/** `{"jsonrpc":"2.0","id":7,...` or `{"jsonrpc":"2.0","method":"m","id":7,...`: the id among the first keys. */
const ID_AT_START = new RegExp(String.raw`^\s*\{(?:\s*"(?:jsonrpc|method)"\s*:\s*"(?:[^"\\]|\\.)*"\s*,)*\s*"id"\s*:\s*${ID}`);
/** `...,"jsonrpc":"2.0","id":7}` (the SDK's order) or `...,"id":7,"jsonrpc":"2.0"}`: the id among the last keys. */
const ID_AT_END = new RegExp(String.raw`,\s*"id"\s*:\s*${ID}\s*(?:,\s*"jsonrpc"\s*:\s*"2\.0"\s*)?\}\s*$`);

/** The id of a JSON-RPC message seen only by its edges, when it sits among the first or last keys. */
function topLevelId(head: string, tail: string): RequestId | null {
  const found = ID_AT_START.exec(head)?.[1] ?? ID_AT_END.exec(tail.replace(/\r$/, ''))?.[1];
  if (found === undefined) return null;
  try {
    return JSON.parse(found) as RequestId;
  } catch {
    return null;
  }
}
