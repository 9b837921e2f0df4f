import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { basename, dirname, join, sep } from 'node:path';
import { Script } from 'node:vm';
import envPaths from 'env-paths';

/**
 * Keeps V8's compiled code for the `keyway` bundle's own files between runs, as Node 22's
 * `module.enableCompileCache()` does: compiling the bundle is about a fifth of a short command's
 * time (`keyway budget` in a shell prompt), and with the cache it is mostly read instead.
 *
 * On Node 22+ this is Node's own cache. Node 20 has none, so the CommonJS compile step is wrapped for
 * the files in `binDir` only: each is compiled with its cached data when there is a valid entry, and
 * one is written (after the code ran, so it holds the functions this run compiled too) when there is
 * none. An entry is keyed by the file's name, size and mtime, and V8 rejects one made by another V8
 * or with other flags, so a rebuilt or edited file is never run from stale code. Entries live in the
 * user's own cache folder (0700); NODE_DISABLE_COMPILE_CACHE=1 turns the cache off, as it does Node's.
 */
export function enableCompileCache(binDir: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_DISABLE_COMPILE_CACHE) return;
  const dir = join(envPaths('keyway', { suffix: '' }).cache, 'compile-cache', `${process.version}-${process.arch}-${pathHash(binDir)}`);
  const native = (module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (native) {
    native(dir);
    return;
  }
  const CjsModule = module.Module as unknown as CjsModuleClass;
  const compile = CjsModule.prototype._compile;
  const unwritten = new Map<string, Script>();
  const prefix = binDir.endsWith(sep) ? binDir : binDir + sep;

  CjsModule.prototype._compile = function compileWithCache(this: CjsModuleInstance, content: string, filename: string): unknown {
    if (!filename.startsWith(prefix) || filename.slice(prefix.length).includes(sep)) return compile.call(this, content, filename);
    const entry = join(dir, entryName(filename));
    const cachedData = readEntry(entry);
    const script = new Script(module.wrap(content), { filename, cachedData });
    if (!cachedData || script.cachedDataRejected) {
      if (unwritten.size === 0) setTimeout(flush, FLUSH_AFTER_MS).unref();
      unwritten.set(entry, script);
    }
    const run = script.runInThisContext({ displayErrors: true }) as CommonJsWrapper;
    return run.call(this.exports, this.exports, module.createRequire(filename), this, filename, dirname(filename));
  };

  function flush(): void {
    if (unwritten.size === 0) return;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      pruneStale(dir, binDir);
      for (const [entry, script] of unwritten) {
        const partial = `${entry}.${process.pid}.tmp`;
        writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
        renameSync(partial, entry);
      }
    } catch {
      // A cache that cannot be written only costs the next run its compile time.
    }
    unwritten.clear();
  }
  process.once('exit', flush);
}

/** Long-running commands (`keyway mcp`, `keyway serve`) write their entries this soon, not only at exit. */
const FLUSH_AFTER_MS = 2_000;

interface CjsModuleInstance {
  exports: unknown;
}
interface CjsModuleClass {
  prototype: CjsModuleInstance & { _compile(content: string, filename: string): unknown };
}
type CommonJsWrapper = (this: unknown, exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => unknown;

function entryName(filename: string): string {
  const { size, mtimeMs } = statSync(filename);
  return `${basename(filename)}.${size}.${Math.trunc(mtimeMs)}`;
}

function readEntry(entry: string): Buffer | undefined {
  try {
    return readFileSync(entry);
  } catch {
    return undefined;
  }
}

/** Entries of files that a rebuild replaced (their names carry a content hash) or changed. */
function pruneStale(dir: string, binDir: string): void {
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.tmp')) continue;
    const file = name.replace(/\.\d+\.\d+$/, '');
    let current: string | undefined;
    try {
      current = entryName(join(binDir, file));
    } catch {
      current = undefined;
    }
    if (current !== name) rmSync(join(dir, name), { force: true });
  }
}

/** A short stable name for the bundle's folder, so two checkouts keep apart entries (FNV-1a). */
function pathHash(path: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}
