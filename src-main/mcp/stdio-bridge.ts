import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { connect } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { CALLER_ENV_META } from './call-context.js';
import { InFlightRequests } from './in-flight.js';
import { answerTooLarge, requestTooLarge, serializeWithinLimit } from './message-size.js';
import { MessageReader } from './read-messages.js';
import { ownValue } from '../shared/own-value.js';

/**
 * Bridges an editor's stdio to the running service's socket, message by message. A tools/call
 * that names an `env_var` gets that one variable's value from this (editor-launched) process's
 * environment in `_meta`, so the service can read it; nothing else of the environment travels.
 * Resolves when the service closes the socket, or once the editor closed stdin and every request
 * it sent is answered.
 */
export function bridgeStdioToSocket(options: {
  socket: string;
  stdin: Readable;
  stdout: Writable;
  env: NodeJS.ProcessEnv;
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
        const forwarded = withCallerEnv(message, env);
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

function withCallerEnv(message: JSONRPCMessage, env: NodeJS.ProcessEnv): JSONRPCMessage {
  if (!('method' in message) || message.method !== 'tools/call' || !('id' in message)) return message;
  const params = message.params as { arguments?: Record<string, unknown>; _meta?: Record<string, unknown> } | undefined;
  const name = params?.arguments?.env_var;
  if (typeof name !== 'string') return message;
  const value = ownValue(env, name);
  if (value === undefined || value === '') return message;
  return { ...message, params: { ...params, _meta: { ...params?._meta, [CALLER_ENV_META]: { [name]: value } } } };
}
