import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { connect } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { CALLER_ENV_META } from './call-context.js';

/**
 * Bridges an editor's stdio to the running service's socket, message by message. A tools/call
 * that names an `env_var` gets that one variable's value from this (editor-launched) process's
 * environment in `_meta`, so the service can read it; nothing else of the environment travels.
 * Resolves when either side closes.
 */
export function bridgeStdioToSocket(options: {
  socket: string;
  stdin: Readable;
  stdout: Writable;
  env: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}): Promise<void> {
  const { stdin, stdout, env } = options;
  return new Promise((resolve) => {
    const socket = connect(options.socket);
    const buffer = new ReadBuffer();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      stdin.off('data', onData);
      socket.destroy();
      resolve();
    };
    const onData = (chunk: Buffer) => {
      buffer.append(chunk);
      for (;;) {
        let message: JSONRPCMessage | null;
        try {
          message = buffer.readMessage();
        } catch {
          options.log?.('dropped a line from the client that is not JSON-RPC');
          continue;
        }
        if (message === null) break;
        socket.write(serializeMessage(withCallerEnv(message, env)));
      }
    };
    socket.on('connect', () => stdin.on('data', onData));
    socket.pipe(stdout, { end: false });
    socket.on('error', (error) => {
      options.log?.(`socket error: ${(error as NodeJS.ErrnoException).code ?? error.name}`);
      finish();
    });
    socket.on('close', finish);
    stdin.on('end', finish);
    stdin.on('close', finish);
  });
}

function withCallerEnv(message: JSONRPCMessage, env: NodeJS.ProcessEnv): JSONRPCMessage {
  if (!('method' in message) || message.method !== 'tools/call' || !('id' in message)) return message;
  const params = message.params as { arguments?: Record<string, unknown>; _meta?: Record<string, unknown> } | undefined;
  const name = params?.arguments?.env_var;
  if (typeof name !== 'string') return message;
  const value = env[name];
  if (value === undefined || value === '') return message;
  return { ...message, params: { ...params, _meta: { ...params?._meta, [CALLER_ENV_META]: { [name]: value } } } };
}
