import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { connect } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { CALLER_ENV_META } from './call-context.js';
import { InFlightRequests } from './in-flight.js';
import { readMessages } from './read-messages.js';
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
    const fromClient = new ReadBuffer();
    const fromService = new ReadBuffer();
    const inFlight = new InFlightRequests();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      stdin.off('data', onClientData);
      socket.destroy();
      resolve();
    };
    const onClientData = (chunk: Buffer) =>
      readMessages(
        fromClient,
        chunk,
        (message) => {
          inFlight.received(message);
          socket.write(serializeMessage(withCallerEnv(message, env)));
        },
        () => options.log?.('dropped a line from the client that is not JSON-RPC'),
      );
    // Message by message (not a raw pipe), so the bridge knows which requests are still owed an answer.
    socket.on('data', (chunk: Buffer) =>
      readMessages(
        fromService,
        chunk,
        (message) => stdout.write(serializeMessage(message), () => inFlight.answered(message)),
        () => options.log?.('dropped a line from the service that is not JSON-RPC'),
      ),
    );
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
