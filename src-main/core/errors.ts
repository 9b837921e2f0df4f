import type { ErrorCode, ErrorInfo } from '../shared/errors.js';
import type { Remedy } from '../shared/remedy.js';

/**
 * A failure the user can act on: a stable code, a one-line message, and (when one exists) a
 * structured remedy that each front words its own way.
 */
export class KeywayError extends Error {
  readonly code: ErrorCode;
  readonly remedy: Remedy | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; remedy?: Remedy }) {
    super(message, options);
    this.name = 'KeywayError';
    this.code = code;
    this.remedy = options?.remedy;
  }

  toInfo(): ErrorInfo {
    return this.remedy ? { code: this.code, message: this.message, remedy: this.remedy } : { code: this.code, message: this.message };
  }
}

export function isKeywayError(value: unknown): value is KeywayError {
  return value instanceof KeywayError;
}

export function isErrnoException(value: unknown): value is NodeJS.ErrnoException {
  return value instanceof Error && typeof (value as NodeJS.ErrnoException).code === 'string';
}

/**
 * Turns anything thrown into the wire form. Unknown errors keep only their class name so that a
 * stray message can never carry a secret to a front.
 */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (isKeywayError(error)) return error.toInfo();
  const kind = error instanceof Error ? error.name : typeof error;
  return { code: 'internal', message: `Internal error (${kind}). Run again with KEYWAY_DEBUG=1 to see details.` };
}
