import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isErrnoException } from '../core/errors.js';
import type { HttpRoute } from './route.js';

/** The built renderer (vite output), next to the compiled server in dist/. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));

/** The same policy the Electron window enforces: only this origin's own files and API. */
export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * The dashboard's static files under /ui/ (public routes: the files carry no data; the page asks
 * for the token and then calls /api). `/` and `/ui` redirect to `/ui/`.
 */
export function staticUiRoutes(uiDir: string = DEFAULT_UI_DIR): HttpRoute[] {
  const root = normalize(uiDir.endsWith(sep) ? uiDir : uiDir + sep);
  return [
    async (req, res, url) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      if (url.pathname === '/' || url.pathname === '/ui') {
        res.writeHead(302, { location: '/ui/' });
        res.end();
        return true;
      }
      if (!url.pathname.startsWith('/ui/')) return false;
      let relative: string;
      try {
        relative = decodeURIComponent(url.pathname.slice('/ui/'.length)) || 'index.html';
      } catch {
        return notFound(res);
      }
      const file = normalize(join(root, relative));
      if (!file.startsWith(root) || relative.includes('\0')) return notFound(res);
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch (error) {
        if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'EISDIR') && relative === 'index.html') {
          return send(res, 503, 'text/plain; charset=utf-8', Buffer.from('The Keyway UI is not built. Run: npm run build:renderer\n'));
        }
        return notFound(res);
      }
      return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', req.method === 'HEAD' ? Buffer.alloc(0) : body, relative.startsWith('assets/'));
    },
  ];
}

function send(res: ServerResponse, status: number, type: string, body: Buffer, immutable = false): true {
  res.writeHead(status, {
    'content-type': type,
    'content-length': body.length,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'content-security-policy': UI_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  });
  res.end(body);
  return true;
}

function notFound(res: ServerResponse): true {
  return send(res, 404, 'text/plain; charset=utf-8', Buffer.from('Not found\n'));
}
