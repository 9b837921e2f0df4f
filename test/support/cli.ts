import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const KEYWAY_BIN = fileURLToPath(new URL('../../dist/cli/main.cjs', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  cwd?: string;
}

/** Runs the real built `keyway` binary as a child process (the build runs before the tests). */
export function runKeyway(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KEYWAY_BIN, ...args], {
      cwd: options.cwd,
      env: { ...isolatedEnv(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The parent's environment minus anything that would point a child at the user's real data or
 * secrets (every KEYWAY_* setting, SECRET_KEY, provider keys), and price updates pointed at nowhere.
 */
export function isolatedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(KEYWAY_|SECRET_KEY$|ANTHROPIC_|OPENAI_|GOOGLE_)/.test(name)) env[name] = value;
  }
  // Tests never reach the internet: a long-lived child's daily price refresh goes to a closed local port.
  env.KEYWAY_PRICES_URL = 'http://127.0.0.1:9/price-data.json';
  return env;
}
