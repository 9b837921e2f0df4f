import { closeSync, constants, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { KeywayError } from '../errors.js';

/** `12 MiB`, `64 KiB`: how the limits are written in messages and the README. */
export function formatByteLimit(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

export interface BoundedReadOptions {
  maxBytes: number;
  /** What the file is, for messages: `--text file`, `the backup`. */
  what: string;
  /** What to do when it is too large: `estimate a smaller file`. */
  remedy: string;
}

function tooLarge(path: string, options: BoundedReadOptions): KeywayError {
  return new KeywayError('invalid_input', `${options.what} ${path} is larger than ${formatByteLimit(options.maxBytes)}, the limit; ${options.remedy}.`);
}

/**
 * Reads a file, FIFO or device as a stream and stops as soon as more than `maxBytes` arrived, so
 * memory stays bounded (`/dev/zero` included) and the process stays responsive to signals while
 * it waits. Errors from the file system (ENOENT, EISDIR, EACCES) pass through unchanged.
 */
export async function readBounded(path: string, options: BoundedReadOptions): Promise<Buffer> {
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBytes) throw tooLarge(path, options);
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, size);
}

/**
 * Reads a small regular file (a config, a token, a backup) synchronously, at most `maxBytes`.
 * Anything else (a FIFO, a device, a directory) is refused without blocking on it. Errors from
 * the file system (ENOENT, EACCES) pass through unchanged.
 */
export function readBoundedSync(path: string, options: BoundedReadOptions): Buffer {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`EISDIR: ${path} is a directory`), { code: 'EISDIR' });
    if (!stat.isFile()) throw new KeywayError('invalid_input', `${options.what} ${path} is not a regular file; point it at a file.`);
    if (stat.size > options.maxBytes) throw tooLarge(path, options);
    // The file may grow while it is read: keep reading, but never past one byte over the limit.
    let buffer = Buffer.alloc(Math.min(stat.size, options.maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > options.maxBytes) throw tooLarge(path, options);
        const bigger = Buffer.alloc(Math.min(buffer.length * 2, options.maxBytes + 1));
        buffer.copy(bigger);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > options.maxBytes) throw tooLarge(path, options);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
