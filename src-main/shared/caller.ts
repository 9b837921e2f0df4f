/**
 * Who is calling, decided once at the edge from the transport a call arrived on and the token it
 * holds, never from anything the caller says about itself.
 * - `owner`: the GUI (Electron IPC, or /api with the dashboard token) and the CLI of the user who
 *   owns the data dir (in-process, or over the owner-only service socket).
 * - `agent`: every MCP session, whatever its transport, and every editor or gateway token.
 */
export type Principal = 'owner' | 'agent';

export interface Caller {
  principal: Principal;
  /** What the audit log records: `cli`, `gui`, `system`, `mcp:<client>@<version>`, `gateway:<token name>`. */
  actor: string;
  /**
   * Environment variables the caller's own process resolved for an `env_var` argument (the CLI over
   * the socket, the stdio bridge): only the one variable a call names ever travels.
   */
  callerEnv?: Readonly<Record<string, string>>;
}

export const OWNER_CLI: Caller = Object.freeze({ principal: 'owner', actor: 'cli' });
export const OWNER_GUI: Caller = Object.freeze({ principal: 'owner', actor: 'gui' });
/** Keyway itself (background checks, budget alerts, config reloads). */
export const SYSTEM: Caller = Object.freeze({ principal: 'owner', actor: 'system' });
