import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import Database from 'better-sqlite3';
import { z } from 'zod';

/** What Keyway answered, recorded by the bench: its tools/list and one result per benchmarked tool. */
export interface RecordedAnswers {
  tools: Tool[];
  results: Record<string, CallToolResult>;
}

/** The tool whose calls the floor records durably, as Keyway does. */
const RECORDED_TOOL = 'track_request';

/**
 * The protocol floor the MCP figures are compared with: an SDK McpServer that does nothing but answer
 * with Keyway's recorded bytes. tools/list is Keyway's list verbatim; each call goes through the SDK's
 * own path (input validation, handler, output validation against the same output schema, rebuilt
 * from Keyway's JSON Schema) and returns Keyway's recorded result. With `ledgerPath`, a track_request
 * call is first stored the simplest durable way: its arguments as one row in a SQLite database in WAL
 * mode with synchronous=FULL (the WAL is synced before the answer, the durability Keyway gives).
 */
export function floorServer(recorded: RecordedAnswers, ledgerPath?: string): McpServer {
  const server = new McpServer({ name: 'floor', version: '1' }, { capabilities: { tools: {} } });
  const store = ledgerPath ? durableStore(ledgerPath) : undefined;
  for (const tool of recorded.tools) {
    const result = recorded.results[tool.name] ?? { content: [{ type: 'text', text: '{}' }] };
    server.registerTool(
      tool.name,
      {
        inputSchema: z.fromJSONSchema(tool.inputSchema as never) as z.ZodObject,
        ...(tool.outputSchema ? { outputSchema: z.fromJSONSchema(tool.outputSchema as never) as z.ZodObject } : {}),
      },
      store && tool.name === RECORDED_TOOL
        ? (args: Record<string, unknown>) => {
            store(args);
            return result;
          }
        : () => result,
    );
  }
  // The same bytes as Keyway's tools/list, not the SDK's rendering of the rebuilt schemas.
  const list = { tools: recorded.tools };
  server.server.setRequestHandler(ListToolsRequestSchema, () => list);
  return server;
}

function durableStore(path: string): (args: Record<string, unknown>) => void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS requests (ts INTEGER NOT NULL, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO requests (ts, body) VALUES (?, ?)');
  return (args) => insert.run(Date.now(), JSON.stringify(args));
}

// `node floor-server.js recorded.json [ledger.db]`: the floor over stdio, as an editor would launch a server.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const recorded = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as RecordedAnswers;
  await floorServer(recorded, process.argv[3]).connect(new StdioServerTransport());
}
