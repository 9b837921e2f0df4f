import { KeywayError } from '../core/errors.js';

import { DEFAULT_HTTP_PORT } from './default-port.js';

export { DEFAULT_HTTP_PORT };

/** --port, then KEYWAY_PORT, then the default; 0 picks any free port. One rule for the CLI and the tray app. */
export function resolvePort(option: number | undefined, env: NodeJS.ProcessEnv): number {
  if (option !== undefined) return option;
  if (!env.KEYWAY_PORT) return DEFAULT_HTTP_PORT;
  const port = toPort(env.KEYWAY_PORT);
  if (port === undefined) {
    throw new KeywayError('invalid_input', `KEYWAY_PORT must be a whole number from 0 to 65535, got "${env.KEYWAY_PORT}". Fix it or unset it.`);
  }
  return port;
}

/** A port number from text, or undefined when it is not one. */
export function toPort(value: string): number | undefined {
  const n = Number(value);
  return /^\d+$/.test(value.trim()) && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}
