import { closeSync, openSync, readSync } from 'node:fs';
import { isErrnoException } from '../errors.js';

const CHUNK_BYTES = 64 * 1024;
/** No audit entry comes near this; a longer line is reported as one unreadable line, never held whole. */
export const MAX_LINE_BYTES = 1024 * 1024;

export interface FileLine {
  line: string;
  /** False for a last line without its newline (an interrupted append). */
  complete: boolean;
}

/** The non-blank lines of a file, read in bounded chunks; a missing file has none. */
export function* readLines(path: string): Generator<FileLine> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return;
    throw error;
  }
  try {
    const chunk = Buffer.alloc(CHUNK_BYTES);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let oversized = false;
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      let from = 0;
      for (let nl = chunk.indexOf(0x0a, from); nl >= 0 && nl < read; nl = chunk.indexOf(0x0a, from)) {
        const piece = chunk.subarray(from, nl);
        const line = oversized ? '\u0000oversized line' : Buffer.concat([...pending, piece]).toString('utf8');
        if (line.length > 0) yield { line, complete: true };
        pending = [];
        pendingBytes = 0;
        oversized = false;
        from = nl + 1;
      }
      if (from < read && !oversized) {
        pendingBytes += read - from;
        if (pendingBytes > MAX_LINE_BYTES) {
          oversized = true;
          pending = [];
        } else pending.push(Buffer.from(chunk.subarray(from, read)));
      }
    }
    if (oversized) yield { line: '\u0000oversized line', complete: false };
    else if (pendingBytes > 0) yield { line: Buffer.concat(pending).toString('utf8'), complete: false };
  } finally {
    closeSync(fd);
  }
}
