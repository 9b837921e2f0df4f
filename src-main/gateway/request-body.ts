import type { IncomingMessage } from 'node:http';

/** Requests larger than this are refused (inline images and long contexts fit well below it). */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

/** Reads a request body up to `limit` bytes; null when it is larger (the rest is discarded). */
export async function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return null;
  }
  // Events rather than an async iterator: this runs on every proxied request.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: Buffer | null | Error): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', finish);
      req.off('close', onClose);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      // Too large: answer now and let the rest drain unread.
      finish(null);
      req.resume();
    };
    const onEnd = (): void => finish(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    const onClose = (): void => finish(new Error('the client closed the request before its body ended'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', finish);
    req.once('close', onClose);
  });
}

/** The body as JSON, undefined when empty, or an Error naming the problem. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    return error instanceof Error ? error : new Error('invalid JSON');
  }
}
