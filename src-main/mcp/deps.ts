import type { KeywayService } from '../core/service.js';

/** What every tool, resource and prompt of one MCP connection needs. */
export interface McpDeps {
  service: KeywayService;
  /** 'stdio', 'socket' or 'http': named in log lines. */
  transport: string;
  /** Secret-free diagnostic lines for the process log (never stdout under stdio). */
  log?: (line: string, level?: McpLogLevel) => void;
}

export type McpLogLevel = 'debug' | 'info' | 'warning' | 'error';
