import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { MeteredUsage } from '../../src-main/gateway/dialect.js';

/** How an emulator answers every request until told otherwise. */
export type EmulatorMode = 'ok' | 'unauthorized' | 'forbidden' | 'rate_limited' | 'server_error' | 'slow' | 'hang' | 'down';

export interface ModeOptions {
  /** `slow`: how long to wait before answering normally (default 200 ms). */
  delay_ms?: number;
  /** `rate_limited`: the retry-after header in seconds (default 7). */
  retry_after_s?: number;
}

/** One request as the emulator saw it. Headers are lower-cased, as Node gives them. */
export interface RecordedRequest {
  method: string;
  /** The raw request target, path plus query string: what a leak into a URL would show up in. */
  url: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

export interface EmulatorRequest extends RecordedRequest {
  json: unknown;
}

/** Extra usage an emulator reports on top of the counted prompt and reply (cache and reasoning). */
export interface UsageExtras {
  /** Prompt tokens served from the provider's cache (OpenAI cached_tokens, Anthropic cache_read_input_tokens, Gemini cachedContentTokenCount). */
  cache_read: number;
  /** Prompt tokens written to the cache (Anthropic cache_creation_input_tokens; the others do not report it). */
  cache_write: number;
  /** Reasoning / thinking tokens (OpenAI reasoning_tokens, Gemini thoughtsTokenCount; part of Anthropic's output_tokens). */
  reasoning: number;
  /** Anthropic: the part of cache_write held for an hour (cache_creation.ephemeral_1h_input_tokens). */
  cache_write_1h?: number;
}

/**
 * What the emulator billed for its last answer, in Keyway's terms (the gateway's MeteredUsage):
 * `input` includes cache reads and writes, `output` includes reasoning. Tests compare the ledger with this.
 */
export type ReportedUsage = MeteredUsage;

type FailureKind = 'unauthorized' | 'forbidden' | 'rate_limited' | 'server_error';

/** A provider's wire format: answers a request in the normal (`ok`) mode, and builds its error bodies. */
export interface ProviderProtocol {
  handle(request: EmulatorRequest, res: ServerResponse, emulator: ProviderEmulator): void | Promise<void>;
  /** Writes the provider's own error response for a forced mode. */
  fail(kind: FailureKind, res: ServerResponse, options: { retry_after_s: number }): void;
}

/**
 * A real HTTP server on 127.0.0.1 speaking one provider's wire format, with switches for the
 * failures Keyway must cope with. `down` stops listening; any other mode listens again on the same port.
 */
export class ProviderEmulator {
  readonly name: string;
  readonly requests: RecordedRequest[] = [];
  /** Keys this emulator accepts; anything else gets the provider's real "invalid key" answer. */
  readonly keys: string[];
  /** The reply text chat endpoints return. */
  reply = 'Hello from the emulator.';
  /** Cache and reasoning tokens every answer reports (tests set them). */
  extras: UsageExtras = { cache_read: 0, cache_write: 0, reasoning: 0 };
  /** The usage of the latest answer that reported usage (streams: once the final usage was written). */
  lastUsage: ReportedUsage | null = null;
  /** Every usage an answer reported, in order. */
  readonly reported: ReportedUsage[] = [];
  /** Streams: after this many chunks the connection is destroyed mid-way (null: never). */
  cutAfterChunks: number | null = null;
  /** Streams: wait this long between chunks (a slow generator; lets a client go away mid-stream). */
  chunkDelayMs = 0;
  /** Streams that ended because the client went away before the last chunk. */
  abandonedStreams = 0;
  /** Sent with every answer (e.g. the provider's rate-limit headers). */
  responseHeaders: Record<string, string> = {};
  readonly #failNext: Array<{ kind: FailureKind; retry_after_s: number }> = [];
  #mode: EmulatorMode = 'ok';
  #options: Required<ModeOptions> = { delay_ms: 200, retry_after_s: 7 };
  readonly #protocol: ProviderProtocol;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;

  constructor(name: string, protocol: ProviderProtocol, keys: string[]) {
    this.name = name;
    this.#protocol = protocol;
    this.keys = keys;
  }

  /** The first accepted key: what a test stores in the vault. */
  get key(): string {
    return this.keys[0] ?? '';
  }

  get port(): number {
    return this.#port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get mode(): EmulatorMode {
    return this.#mode;
  }

  async start(): Promise<this> {
    await this.#listen();
    return this;
  }

  /** Switches the mode. Leaving or entering `down` stops or restarts the server on the same port. */
  async set(mode: EmulatorMode, options: ModeOptions = {}): Promise<void> {
    this.#options = { delay_ms: options.delay_ms ?? 200, retry_after_s: options.retry_after_s ?? 7 };
    const wasDown = this.#mode === 'down';
    this.#mode = mode;
    if (mode === 'down' && !wasDown) await this.#close();
    if (mode !== 'down' && wasDown) await this.#listen();
  }

  /** The next `count` requests fail with `kind` (then the mode in force answers again): failover tests. */
  failNext(kind: FailureKind, count = 1, options: { retry_after_s?: number } = {}): void {
    for (let i = 0; i < count; i++) this.#failNext.push({ kind, retry_after_s: options.retry_after_s ?? 7 });
  }

  /** Back to defaults: no extras, no cuts or delays, no queued failures, nothing recorded. */
  resetControls(): void {
    this.extras = { cache_read: 0, cache_write: 0, reasoning: 0 };
    this.cutAfterChunks = null;
    this.chunkDelayMs = 0;
    this.abandonedStreams = 0;
    this.responseHeaders = {};
    this.lastUsage = null;
    this.reported.length = 0;
    this.#failNext.length = 0;
    this.requests.length = 0;
  }

  /** Notes what an answer billed (the protocols call it). */
  report(usage: ReportedUsage): void {
    this.lastUsage = usage;
    this.reported.push(usage);
  }

  /**
   * Writes a streaming answer chunk by chunk, honouring `cutAfterChunks` (destroys the socket
   * mid-way, as a dropped upstream connection looks) and `chunkDelayMs`. `onDone` runs only when
   * every chunk went out (so usage counts as reported only for complete streams).
   */
  async writeStream(res: ServerResponse, contentType: string, chunks: string[], onDone?: () => void): Promise<void> {
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache', connection: 'keep-alive' });
    const cut = this.cutAfterChunks;
    for (let i = 0; i < chunks.length; i++) {
      if (cut !== null && i >= cut) {
        res.socket?.destroy();
        return;
      }
      if (res.destroyed || res.socket?.destroyed) {
        this.abandonedStreams += 1;
        return;
      }
      // Before a cut, wait until each chunk is on the wire so the client sees the part before the cut.
      if (cut !== null) await new Promise<void>((resolve) => res.write(chunks[i], () => resolve()));
      else res.write(chunks[i]);
      if (this.chunkDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.chunkDelayMs));
    }
    onDone?.();
    res.end();
  }

  accepts(key: string | undefined): boolean {
    return key !== undefined && this.keys.includes(key);
  }

  /** Every recorded request's URL, headers and body joined: handy for leak scans. */
  transcript(): string {
    return this.requests.map((r) => `${r.method} ${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`).join('\n');
  }

  async stop(): Promise<void> {
    this.#mode = 'down';
    await this.#close();
  }

  async #listen(): Promise<void> {
    const server = createServer((req, res) => void this.#onRequest(req, res));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async #close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await closed;
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      headers,
      body,
    };
    this.requests.push(recorded);
    for (const [name, value] of Object.entries(this.responseHeaders)) res.setHeader(name, value);
    let json: unknown = undefined;
    try {
      json = body.length > 0 ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const forced = this.#failNext.shift();
    if (forced) return this.#protocol.fail(forced.kind, res, { retry_after_s: forced.retry_after_s });
    switch (this.#mode) {
      case 'hang':
        return;
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, this.#options.delay_ms));
        break;
      case 'unauthorized':
      case 'forbidden':
      case 'rate_limited':
      case 'server_error':
        this.#protocol.fail(this.#mode, res, this.#options);
        return;
      default:
        break;
    }
    try {
      await this.#protocol.handle({ ...recorded, json }, res, this);
    } catch {
      if (!res.headersSent) sendJson(res, 500, { error: 'emulator failure' });
      else res.end();
    }
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Starts a Server-Sent Events response. */
export function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

/** A rough token count (4 characters a token) so usage numbers are deterministic and plausible. */
export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Splits a reply into a few stream chunks. */
export function chunksOf(text: string, size = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

export function notFound(res: ServerResponse, body: unknown): void {
  sendJson(res, 404, body);
}
