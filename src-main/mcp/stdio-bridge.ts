import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { connect } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { CALLER_ENV_META } from './call-context.js';
import { InFlightRequests } from './in-flight.js';
import { answerTooLarge, requestTooLarge, serializeWithinLimit } from './message-size.js';
import { MessageReader } from './read-messages.js';
import { ownValue } from '../shared/own-value.js';

/** What an MCP client may send: the protocol's own client requests and notifications, nothing else. */
const MCP_CLIENT_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'notifications/initialized',
  'notifications/cancelled',
  'notifications/progress',
  'notifications/roots/list_changed',
]);

/**
 * Bridges an editor's stdio to the running service's socket, message by message, speaking MCP and
 * nothing else: any other method (the owner CLI's `keyway/call` among them) is answered "method not
 * found" here and never reaches the service, so an MCP client keeps agent powers. A tools/call that
 * names an `env_var` the agent may read gets that one variable's value from this (editor-launched)
 * process's environment in `_meta`; nothing else of the environment travels, and a client's own
 * `_meta` entry of that name is dropped. Resolves when the service closes the socket, or once the
 * editor closed stdin and every request it sent is answered.
 */
export function bridgeStdioToSocket(options: {
  socket: string;
  stdin: Readable;
  stdout: Writable;
  env: NodeJS.ProcessEnv;
  /** Whether an agent may read this variable for this provider's key (core/authority.ts, with the owner's settings). */
  mayForward: (provider: unknown, name: string) => boolean;
  log?: (line: string) => void;
  /** How long a closed stdin waits for the answers still owed (default DRAIN_TIMEOUT_MS). */
  drainTimeoutMs?: number;
}): Promise<void> {
  const { stdin, stdout, env } = options;
  return new Promise((resolve) => {
    const socket = connect(options.socket);
    const inFlight = new InFlightRequests();
    const toClient = (message: JSONRPCMessage) => stdout.write(serializeMessage(message), () => inFlight.answered(message));
    // Either side's message over the limit is skipped unread; a request it belonged to is answered with an error.
    const fromClient = new MessageReader({
      message: (message) => {
        if ('method' in message && !MCP_CLIENT_METHODS.has(message.method)) {
          options.log?.(`refused non-MCP method ${JSON.stringify(message.method.slice(0, 64))} from the client`);
          if ('id' in message) toClient({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: `Method not found: ${message.method.slice(0, 64)}` } });
          return;
        }
        const forwarded = withCallerEnv(message, env, options.mayForward);
        const line = serializeWithinLimit(forwarded);
        if (line === null) {
          if ('method' in message && 'id' in message) toClient(requestTooLarge(message.id, Buffer.byteLength(JSON.stringify(forwarded))));
          return;
        }
        inFlight.received(message);
        socket.write(line);
      },
      invalid: () => options.log?.('dropped a line from the client that is not JSON-RPC'),
      oversized: ({ bytes, id }) => {
        options.log?.(`refused a message from the client over the size limit (${bytes} bytes)`);
        if (id !== null) toClient(requestTooLarge(id, bytes));
      },
    });
    const fromService = new MessageReader({
      message: toClient,
      invalid: () => options.log?.('dropped a line from the service that is not JSON-RPC'),
      oversized: ({ bytes, id }) => {
        options.log?.(`dropped a message from the service over the size limit (${bytes} bytes)`);
        if (id !== null) toClient(answerTooLarge(id, bytes));
      },
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      stdin.off('data', onClientData);
      socket.destroy();
      resolve();
    };
    const onClientData = (chunk: Buffer) => fromClient.push(chunk);
    // Message by message (not a raw pipe), so the bridge knows which requests are still owed an answer.
    socket.on('data', (chunk: Buffer) => fromService.push(chunk));
    // The editor may close stdin right behind its last requests: their answers still go out first.
    const clientDone = () => {
      if (done) return;
      void inFlight.idle(options.drainTimeoutMs).then((drained) => {
        if (!drained) options.log?.(`closing with ${inFlight.size} request(s) unanswered`);
        finish();
      });
    };
    socket.on('connect', () => stdin.on('data', onClientData));
    socket.on('error', (error) => {
      options.log?.(`socket error: ${(error as NodeJS.ErrnoException).code ?? error.name}`);
      finish();
    });
    socket.on('close', finish);
    stdin.on('end', clientDone);
    stdin.on('close', clientDone);
  });
}

function withCallerEnv(message: JSONRPCMessage, env: NodeJS.ProcessEnv, mayForward: (provider: unknown, name: string) => boolean): JSONRPCMessage {
  if (!('method' in message) || !('params' in message) || typeof message.params !== 'object' || message.params === null) return message;
  const params = message.params as { arguments?: Record<string, unknown>; _meta?: Record<string, unknown> };
  const { [CALLER_ENV_META]: _forged, ...meta } = params._meta ?? {};
  const cleaned = { ...message, params: { ...params, _meta: meta } } as JSONRPCMessage;
  if (message.method !== 'tools/call' || !('id' in message)) return _forged === undefined ? message : cleaned;
  const name = params.arguments?.env_var;
  if (typeof name !== 'string' || !mayForward(params.arguments?.provider, name)) return cleaned;
  const value = ownValue(env, name);
  if (value === undefined || value === '') return cleaned;
  return { ...message, params: { ...params, _meta: { ...meta, [CALLER_ENV_META]: { [name]: value } } } } as JSONRPCMessage;
}
