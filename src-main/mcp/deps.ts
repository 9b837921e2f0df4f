import type { KeywayService } from '../core/service.js';

/** What every tool, resource and prompt of one MCP connection needs. */
export interface McpDeps {
  service: KeywayService;
  /** 'stdio', 'socket' or 'http': named in log lines. */
  transport: string;
  /** Secret-free diagnostic lines for the process log (never stdout under stdio). */
  log?: (line: string, level?: McpLogLevel) => void;
  /** Lowest level written to `log` (default info; KEYWAY_DEBUG=1 fronts pass debug). */
  processLogLevel?: McpLogLevel;
}

export type McpLogLevel = 'debug' | 'info' | 'warning' | 'error';
