import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { dispatch } from '../core/dispatch.js';
import { toErrorInfo } from '../core/errors.js';
import type { KeywayService } from '../core/service.js';
import type { Caller } from '../shared/caller.js';
import { CHANNELS, isChannel } from '../shared/channels.js';
import { ENV_VAR_PATTERN } from '../shared/keys.js';

/**
 * The owner's CLI calls channels of the running service over its socket with `keyway/call`. Only
 * socket connections answer it (the socket is 0600 in the 0700 data dir, so only this user's
 * processes reach it), and the stdio bridge never forwards it: an editor's MCP client cannot.
 * The caller is always the owner's CLI; nothing in the request names it.
 */
export const RPC_METHOD = 'keyway/call';
/** Pulls the next page of a streamed result (a `keyway/call` answer carrying `stream`). */
export const RPC_NEXT_METHOD = 'keyway/next';
/** Methods only the owner's socket answers; the bridge drops them (see mcp/stdio-bridge.ts). */
export const OWNER_METHODS: readonly string[] = [RPC_METHOD, RPC_NEXT_METHOD];
/** A page of a streamed result holds about this much text; the service never holds more at once. */
export const STREAM_PAGE_BYTES = 1024 * 1024;
/** Streams one socket connection may leave open at once (each holds a paged reader, not data). */
const MAX_OPEN_STREAMS = 4;

export const OwnerCallRequestSchema = z.object({
  method: z.literal(RPC_METHOD),
  params: z.object({
    channel: z.string().max(64),
    input: z.unknown(),
    /** Only the variable an env_var argument names, resolved in the CLI's environment. */
    caller_env: z.record(z.string().regex(ENV_VAR_PATTERN), z.string().max(4096)).optional(),
    _meta: z.unknown().optional(),
  }),
});

export const OwnerCallResultSchema = z.looseObject({
  value: z.unknown().optional(),
  /** Set instead of `value` for a stream channel: pull its pages with RPC_NEXT_METHOD. */
  stream: z.number().int().optional(),
  error: z.looseObject({ code: z.string(), message: z.string(), remedy: z.unknown().optional() }).optional(),
  /** Something the owner should know although the call worked (a broken routing_config.json). */
  notice: z.string().optional(),
});

export const OwnerNextRequestSchema = z.object({
  method: z.literal(RPC_NEXT_METHOD),
  params: z.object({ stream: z.number().int(), _meta: z.unknown().optional() }),
});

export const OwnerPageSchema = z.looseObject({ chunks: z.array(z.string()), done: z.boolean() });

/** Answers `keyway/call` on one socket connection through the one dispatch, as the owner's CLI. */
export function registerOwnerRpc(server: McpServer, service: KeywayService): void {
  const streams = new Map<number, Iterator<string>>();
  let nextStream = 1;
  const closed = server.server.onclose;
  server.server.onclose = () => {
    closed?.();
    for (const stream of streams.values()) stream.return?.();
    streams.clear();
  };
  server.server.setRequestHandler(OwnerNextRequestSchema, (request) => {
    const stream = streams.get(request.params.stream);
    if (!stream) return { chunks: [], done: true };
    const page = nextPage(stream);
    if (page.done) streams.delete(request.params.stream);
    return page;
  });
  server.server.setRequestHandler(OwnerCallRequestSchema, async (request) => {
    const { channel, input, caller_env } = request.params;
    const caller: Caller = caller_env ? { principal: 'owner', actor: 'cli', callerEnv: caller_env } : { principal: 'owner', actor: 'cli' };
    const notice = service.config.fileProblem() ?? undefined;
    try {
      const value = await dispatch(service, channel, input, caller);
      if (isChannel(channel) && 'stream' in CHANNELS[channel]) {
        if (streams.size >= MAX_OPEN_STREAMS) return { error: { code: 'invalid_input', message: 'Too many unfinished exports on this connection; finish one first.' } };
        const id = nextStream++;
        streams.set(id, (value as Iterable<string>)[Symbol.iterator]());
        return { stream: id, notice };
      }
      return { value: value ?? null, notice };
    } catch (error) {
      return { error: toErrorInfo(error), notice };
    }
  });
}

/** Up to about STREAM_PAGE_BYTES of chunks from a stream; `done` once it is exhausted. */
function nextPage(stream: Iterator<string>): { chunks: string[]; done: boolean } {
  const chunks: string[] = [];
  let size = 0;
  while (size < STREAM_PAGE_BYTES) {
    const next = stream.next();
    if (next.done) return { chunks, done: true };
    chunks.push(next.value);
    size += next.value.length;
  }
  return { chunks, done: false };
}
