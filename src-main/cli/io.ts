import type { KeywayService } from '../core/service.js';
import type { ServerInfo } from '../server/server-info.js';
import { escapeForTerminal, escapeJsonForTerminal } from '../shared/plain-text.js';
import type { ServiceCalls } from './service-calls.js';
import type { RemoteService } from './service-client.js';

/**
 * What a command needs from its surroundings: output streams, stdin, and the service, opened lazily.
 * The service and its client are imported only when a command asks for them, so `keyway --help`
 * and argument errors never load them.
 */
export class CliIo {
  json = false;
  exitCode: number | undefined;
  #service: Promise<KeywayService> | undefined;
  #serviceOptions: { dataDir?: string; store?: string; configPath?: string } = {};
  #api: Promise<ServiceCalls> | undefined;
  #remote: RemoteService | undefined;

  constructor(
    readonly out: (line: string) => void,
    readonly err: (line: string) => void,
    readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean },
    readonly env: NodeJS.ProcessEnv,
  ) {}

  configure(options: { dataDir?: string; store?: string; json?: boolean; config?: string }): void {
    this.#serviceOptions = { dataDir: options.dataDir, store: options.store, configPath: options.config };
    this.json = options.json ?? false;
  }

  /** --data-dir as given (resolveDataDir applies KEYWAY_DATA_DIR and the default). */
  get dataDirOption(): string | undefined {
    return this.#serviceOptions.dataDir;
  }

  service(): Promise<KeywayService> {
    this.#service ??= import('../core/service.js').then(({ KeywayService }) => KeywayService.open({ ...this.#serviceOptions, env: this.env }));
    return this.#service;
  }

  /**
   * The service for a command: the running one over the data dir's socket when `keyway serve` or
   * the tray app owns this data dir, else this process's own. Commands use this, not service().
   */
  api(): Promise<ServiceCalls> {
    this.#api ??= (async () => {
      // --config names a file for this invocation, so it never goes to a running service's config.
      const running = this.#service || this.#serviceOptions.configPath ? undefined : await this.#runningServer();
      if (!running) {
        const [{ localCalls }, service] = await Promise.all([import('./service-calls.js'), this.service()]);
        return localCalls(service);
      }
      const { connectService } = await import('./service-client.js');
      this.#remote = await connectService(running, { env: this.env, cwd: process.cwd(), warn: (line) => this.err(`keyway: ${line}`) });
      return this.#remote.calls;
    })();
    return this.#api;
  }

  /** The service that owns this data dir (`keyway serve`, the tray app), if one runs. */
  async #runningServer(): Promise<ServerInfo | undefined> {
    const [{ resolveDataDir }, { findRunningServer }] = await Promise.all([import('../core/data-dir.js'), import('../server/server-info.js')]);
    return findRunningServer(resolveDataDir(this.#serviceOptions.dataDir, this.env));
  }

  /**
   * Prints `value` as JSON under --json, otherwise the human rendering. Neither can carry a
   * character a terminal acts on: JSON escapes them all, the human text keeps only its own newlines.
   */
  print<T>(value: T, human: (value: T) => string): void {
    this.out(this.json ? escapeJsonForTerminal(JSON.stringify(value, null, 2)) : escapeForTerminal(human(value), '\n'));
  }

  close(): void {
    void this.#remote?.close();
    void this.#service?.then((service) => service.close(), () => {});
  }
}

export function processIo(): CliIo {
  return new CliIo(
    (line) => process.stdout.write(`${line}\n`),
    // Diagnostics may quote what the user typed or a file holds: nothing in them reaches the terminal as a control.
    (line) => process.stderr.write(`${escapeForTerminal(line, '\n')}\n`),
    process.stdin,
    process.env,
  );
}
