import type { KeywayService } from '../core/service.js';
import { KeywayError } from '../core/errors.js';

/** The user's switch (settings app.allow_mcp_key_changes) that forbids key and provider changes over MCP. */
export function requireMcpKeyChanges(service: KeywayService, tool: string): void {
  if (!service.settings.read().app.allow_mcp_key_changes) {
    throw new KeywayError(
      'forbidden',
      `${tool} is turned off for MCP clients in Keyway's settings (allow_mcp_key_changes). Ask the user to make this change in the Keyway app or with the keyway CLI.`,
    );
  }
}
