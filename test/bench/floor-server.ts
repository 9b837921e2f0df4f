import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** What Keyway answered, recorded by the bench: its tools/list and one result per benchmarked tool. */
export interface RecordedAnswers {
  tools: Tool[];
  results: Record<string, CallToolResult>;
}

/**
 * The protocol floor the MCP figures are compared with: an SDK McpServer that does nothing but answer
 * with Keyway's recorded bytes. tools/list is Keyway's list verbatim; each call goes through the SDK's
 * own path (input validation, handler, output validation against the same output schema, rebuilt
 * from Keyway's JSON Schema) and returns Keyway's recorded result.
 */
export function floorServer(recorded: RecordedAnswers): McpServer {
  const server = new McpServer({ name: 'floor', version: '1' }, { capabilities: { tools: {} } });
  for (const tool of recorded.tools) {
    const result = recorded.results[tool.name] ?? { content: [{ type: 'text', text: '{}' }] };
    server.registerTool(
      tool.name,
      {
        inputSchema: z.fromJSONSchema(tool.inputSchema as never) as z.ZodObject,
        ...(tool.outputSchema ? { outputSchema: z.fromJSONSchema(tool.outputSchema as never) as z.ZodObject } : {}),
      },
      () => result,
    );
  }
  // The same bytes as Keyway's tools/list, not the SDK's rendering of the rebuilt schemas.
  const list = { tools: recorded.tools };
  server.server.setRequestHandler(ListToolsRequestSchema, () => list);
  return server;
}

// `node floor-server.js recorded.json`: the floor over stdio, as an editor would launch a server.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const recorded = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as RecordedAnswers;
  await floorServer(recorded).connect(new StdioServerTransport());
}
