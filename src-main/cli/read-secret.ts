import { KeywayError } from '../core/errors.js';

const MAX_STDIN_BYTES = 64 * 1024;

/**
 * Reads a secret without it ever touching argv: a hidden prompt on a terminal, the whole of stdin
 * when piped (one trailing newline dropped). `envFlag` is the command's option that reads it from
 * an environment variable instead, named when stdin was empty.
 */
export async function readSecret(stdin: NodeJS.ReadableStream & { isTTY?: boolean }, prompt: string, envFlag = '--from-env'): Promise<string> {
  if (stdin.isTTY) {
    const { default: password } = await import('@inquirer/password');
    return password({ message: prompt, mask: false }, { input: stdin, output: process.stderr });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) throw new KeywayError('invalid_input', 'Standard input is larger than 64 KiB; pipe only the secret.');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (text.length === 0) {
    throw new KeywayError('invalid_input', `${prompt.replace(/:$/, '')} was empty. Pipe it on stdin, or use ${envFlag} VAR.`);
  }
  return text;
}
