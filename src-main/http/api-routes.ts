import type { IncomingMessage, ServerResponse } from 'node:http';
import { dispatchToResponse } from '../core/dispatch.js';
import type { KeywayService } from '../core/service.js';
import { OWNER_GUI } from '../shared/caller.js';
import type { ApiEvent } from '../shared/api-contract.js';
import type { ErrorCode } from '../shared/errors.js';
import { sendJson, type HttpRoute } from './route.js';

const MAX_BODY_BYTES = 64 * 1024;
const HEARTBEAT_MS = 25_000;

const STATUS: Partial<Record<ErrorCode, number>> = {
  invalid_input: 400,
  unknown_provider: 400,
  invalid_key_format: 400,
  env_var_missing: 400,
  key_not_found: 404,
  forbidden: 403,
  budget_exceeded: 409,
  service_running: 409,
  config_invalid: 422,
  secret_store_unavailable: 503,
  secret_key_missing: 503,
  secret_key_mismatch: 503,
  no_provider_available: 503,
  provider_unavailable: 503,
  service_unreachable: 503,
  internal: 500,
};

/** The HTTP status for an API error code (the JSON body carries the code itself). */
export function httpStatusFor(code: ErrorCode): number {
  return STATUS[code] ?? 409;
}

/**
 * The renderer's API over HTTP, mounted for the dashboard token only (the server has checked it),
 * so every call here is the owner's GUI:
 * `POST /api/<channel>` with the channel's input as JSON, answering the contract's envelope, and
 * `GET /api/events`, a server-sent event stream of change notices.
 */
export function apiRoutes(service: KeywayService): HttpRoute[] {
  return [(req, res, url) => callRoute(service, req, res, url), (req, res, url) => eventsRoute(service, req, res, url)];
}

async function callRoute(service: KeywayService, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const match = /^\/api\/([a-z]+\.[a-z_]+)$/.exec(url.pathname);
  if (!match) return false;
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    sendJson(res, 405, { ok: false, error: { code: 'invalid_input', message: 'Use POST with a JSON body for API calls.' } });
    return true;
  }
  const body = await readJsonBody(req);
  if (!body.ok) {
    sendJson(res, 400, { ok: false, error: { code: 'invalid_input', message: body.message } });
    return true;
  }
  const response = await dispatchToResponse(service, match[1], body.value, OWNER_GUI);
  sendJson(res, response.ok ? 200 : httpStatusFor(response.error.code), response);
  return true;
}

async function eventsRoute(service: KeywayService, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (url.pathname !== '/api/events' || req.method !== 'GET') return false;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write(': keyway events\n\n');
  const off = service.events.onAny((name) => {
    const event: ApiEvent = { name };
    res.write(`event: change\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const stop = (): void => {
    clearInterval(heartbeat);
    off();
  };
  req.once('close', stop);
  res.once('close', stop);
  return true;
}

type BodyResult = { ok: true; value: unknown } | { ok: false; message: string };

async function readJsonBody(req: IncomingMessage): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { ok: false, message: `Request body is larger than ${MAX_BODY_BYTES} bytes.` };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, message: 'Request body is not valid JSON; send the channel input as a JSON object.' };
  }
}
