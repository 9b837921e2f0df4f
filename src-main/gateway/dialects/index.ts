import type { Dialect } from '../dialect.js';
import { anthropicDialect } from './anthropic.js';
import { googleDialect } from './google.js';
import { ollamaDialect } from './ollama.js';
import { openaiDialect } from './openai.js';

export const DIALECTS: readonly Dialect[] = [openaiDialect, anthropicDialect, googleDialect, ollamaDialect];

/** The dialect whose prefix starts `path` (`/openai/v1/...`), with the rest of the path. */
export function dialectFor(path: string): { dialect: Dialect; rest: string } | null {
  for (const dialect of DIALECTS) {
    if (path.startsWith(`${dialect.prefix}/`)) return { dialect, rest: path.slice(dialect.prefix.length) };
  }
  return null;
}
