import { createParser, type EventSourceParser } from 'eventsource-parser';
import { NO_USAGE, type BodyFormat, type MeteredUsage, type UsageFold } from './dialect.js';

/** A non-streamed body beyond this is forwarded whole but not parsed for usage (recorded as unmetered). */
const MAX_BUFFERED_BODY = 16 * 1024 * 1024;
/** An NDJSON line longer than this is skipped rather than held. */
const MAX_LINE = 1024 * 1024;

export interface UsageMeterOptions {
  format: BodyFormat;
  fold: UsageFold;
  mayCarryUsage: (event: string | undefined, data: string) => boolean;
  /** Set when the gateway changed the request: each SSE event's data is re-framed through it (null drops the event). */
  filterEvent?: (data: string) => string | null;
}

/**
 * Reads usage from a response body while it passes through, chunk by chunk: SSE with
 * eventsource-parser, NDJSON line by line, JSON bodies (and Gemini's JSON-array streams) whole at
 * the end. `push` returns what to send to the client: the same bytes, unless events are filtered.
 */
export class UsageMeter {
  #usage: MeteredUsage = NO_USAGE;
  #seen = false;
  readonly #options: UsageMeterOptions;
  readonly #decoder = new TextDecoder();
  #parser: EventSourceParser | undefined;
  #out: string[] = [];
  #line = '';
  #buffer: Buffer[] = [];
  #buffered = 0;
  #overflow = false;

  constructor(options: UsageMeterOptions) {
    this.#options = options;
    if (options.format === 'sse') {
      this.#parser = createParser({
        onEvent: (message) => {
          const filter = this.#options.filterEvent;
          if (filter) {
            const data = filter(message.data);
            if (data !== null) this.#out.push(`${message.event ? `event: ${message.event}\n` : ''}data: ${data}\n\n`);
          }
          if (this.#options.mayCarryUsage(message.event, message.data)) this.#fold(message.data, message.event);
        },
      });
    }
  }

  /** What usage the body showed so far (streams: the latest cumulative figures). */
  get usage(): MeteredUsage {
    return this.#usage;
  }

  /** Whether any usage field was seen at all. */
  get metered(): boolean {
    return this.#seen;
  }

  /** Feeds one chunk; returns what goes to the client. */
  push(chunk: Buffer): Buffer | string {
    switch (this.#options.format) {
      case 'sse': {
        this.#parser!.feed(this.#decoder.decode(chunk, { stream: true }));
        if (!this.#options.filterEvent) return chunk;
        const out = this.#out.join('');
        this.#out = [];
        return out;
      }
      case 'ndjson':
        this.#lines(this.#decoder.decode(chunk, { stream: true }));
        return chunk;
      default:
        if (!this.#overflow) {
          this.#buffered += chunk.length;
          if (this.#buffered > MAX_BUFFERED_BODY) {
            this.#overflow = true;
            this.#buffer = [];
          } else this.#buffer.push(chunk);
        }
        return chunk;
    }
  }

  /** The body ended (completely or not): reads what is left. */
  end(): MeteredUsage {
    if (this.#options.format === 'ndjson') this.#lines('\n');
    else if (this.#options.format !== 'sse' && !this.#overflow && this.#buffer.length > 0) {
      const text = Buffer.concat(this.#buffer).toString('utf8');
      this.#buffer = [];
      try {
        const value: unknown = JSON.parse(text);
        for (const item of Array.isArray(value) ? value : [value]) this.#usage = this.#options.fold(this.#usage, item, undefined);
        this.#seen = this.#usage !== NO_USAGE;
      } catch {
        // Not JSON (or cut short): no usage from it.
      }
    }
    return this.#usage;
  }

  #lines(text: string): void {
    const parts = (this.#line + text).split('\n');
    this.#line = parts.pop() ?? '';
    if (this.#line.length > MAX_LINE) this.#line = '';
    for (const line of parts) if (line.length > 0 && this.#options.mayCarryUsage(undefined, line)) this.#fold(line, undefined);
  }

  #fold(data: string, event: string | undefined): void {
    try {
      const next = this.#options.fold(this.#usage, JSON.parse(data), event);
      if (next !== this.#usage) {
        this.#usage = next;
        this.#seen = true;
      }
    } catch {
      // A malformed event carries no usage; the client still gets it as sent.
    }
  }
}
