import { describe, expect, it } from 'vitest';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { MessageReader, type OversizedMessage } from '../../src-main/mcp/read-messages.js';

const LIMIT = 64 * 1024;

function reader(): { push(text: string, pieces?: number): void; messages: JSONRPCMessage[]; invalid: Error[]; oversized: OversizedMessage[] } {
  const messages: JSONRPCMessage[] = [];
  const invalid: Error[] = [];
  const oversized: OversizedMessage[] = [];
  const r = new MessageReader({ message: (m) => messages.push(m), invalid: (e) => invalid.push(e), oversized: (o) => oversized.push(o) }, LIMIT);
  return {
    messages,
    invalid,
    oversized,
    push(text, pieces = 1) {
      const bytes = Buffer.from(text);
      const size = Math.ceil(bytes.length / pieces);
      for (let i = 0; i < bytes.length; i += size) r.push(bytes.subarray(i, i + size));
    },
  };
}

const big = 'z'.repeat(LIMIT + 10);

describe('MessageReader', () => {
  it('hands over every message in order, however the stream is cut', () => {
    const lines = [1, 2, 3].map((id) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' })).join('\n') + '\r\n';
    for (const pieces of [1, 3, 7, lines.length]) {
      const r = reader();
      r.push(lines, pieces);
      expect(r.messages.map((m) => (m as { id: number }).id)).toEqual([1, 2, 3]);
    }
  });

  it('reports a line that is not JSON-RPC and goes on; blank lines are ignored', () => {
    const r = reader();
    r.push(`not json\n\n${JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' })}\n`);
    expect(r.invalid).toHaveLength(1);
    expect(r.messages).toHaveLength(1);
  });

  it.each([
    ['the id first', { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { big } }, 5],
    ['the id after method', { jsonrpc: '2.0', method: 'tools/call', id: 'abc', params: { big } }, 'abc'],
    ["the id last (the SDK's order)", { method: 'tools/call', params: { big }, jsonrpc: '2.0', id: 6 }, 6],
    ['the id before jsonrpc at the end', { method: 'tools/call', params: { big }, id: 7, jsonrpc: '2.0' }, 7],
    ['no id (a notification)', { jsonrpc: '2.0', method: 'notifications/x', params: { big } }, null],
    ['an id only inside params', { jsonrpc: '2.0', method: 'x', params: { big, id: 8 } }, null],
  ])('skips an oversized line with %s, finds that id, and reads the next line', (_name, message, id) => {
    for (const pieces of [1, 5, 100]) {
      const r = reader();
      r.push(`${JSON.stringify(message)}\n${JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' })}\n`, pieces);
      expect(r.oversized).toEqual([{ bytes: JSON.stringify(message).length, id }]);
      expect(r.messages.map((m) => (m as { id: number }).id)).toEqual([99]);
    }
  });

  it('takes a line of exactly the limit', () => {
    const message = { jsonrpc: '2.0', id: 1, method: 'x', params: { p: '' } };
    const padding = LIMIT - JSON.stringify(message).length;
    const r = reader();
    r.push(`${JSON.stringify({ ...message, params: { p: 'q'.repeat(padding) } })}\n`, 4);
    expect(r.oversized).toEqual([]);
    expect(r.messages).toHaveLength(1);
  });
});
