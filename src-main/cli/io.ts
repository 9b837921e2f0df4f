import { KeywayService } from '../core/service.js';

/** What a command needs from its surroundings: output streams, stdin, and the service, opened lazily. */
export class CliIo {
  json = false;
  exitCode: number | undefined;
  #service: KeywayService | undefined;
  #serviceOptions: { dataDir?: string; store?: string } = {};

  constructor(
    readonly out: (line: string) => void,
    readonly err: (line: string) => void,
    readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean },
    readonly env: NodeJS.ProcessEnv,
  ) {}

  configure(options: { dataDir?: string; store?: string; json?: boolean }): void {
    this.#serviceOptions = { dataDir: options.dataDir, store: options.store };
    this.json = options.json ?? false;
  }

  service(): KeywayService {
    this.#service ??= KeywayService.open({ ...this.#serviceOptions, env: this.env });
    return this.#service;
  }

  /** Prints `value` as JSON under --json, otherwise the human rendering. */
  print<T>(value: T, human: (value: T) => string): void {
    this.out(this.json ? JSON.stringify(value, null, 2) : human(value));
  }

  close(): void {
    this.#service?.close();
  }
}

export function processIo(): CliIo {
  return new CliIo(
    (line) => process.stdout.write(`${line}\n`),
    (line) => process.stderr.write(`${line}\n`),
    process.stdin,
    process.env,
  );
}
