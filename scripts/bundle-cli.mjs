// `keyway` is started by shells, status bars and editors on every use, and Node 20 pays about half a
// millisecond per ES module file before running a line (zod alone is 95 files, the MCP SDK about 150,
// Keyway's own code 150). This turns tsc's output into one bundle with its dynamic imports
// kept as lazily loaded chunks next to it, so a command still loads only what it uses, in a few files.
// The bundle is CommonJS: Node 20 loads it faster than the same code as ES modules, and only
// CommonJS can be compiled from V8's cached code there (src-main/cli/compile-cache.ts).
// The source entry is src-main/cli/bin.ts (tsc: dist/cli/bin.js, runnable as is); the bundle is
// dist/cli/main.cjs, the `keyway` bin that editors, the desktop app and tests launch. dist/cli/main.js
// runs it too, for editor configs written by earlier versions.
// Native modules and the large data libraries that are loaded on demand (prices, tokenizer) stay in
// node_modules. Chunks sit flat in dist/cli/, the depth tsc's files have there, so paths taken from
// import.meta.url (the dashboard's files in dist/renderer/, this bin for editor configs) stay right.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}dist/cli`;
const CHUNK_PREFIX = 'chunk-';

const EXTERNAL = [
  'better-sqlite3',
  'keytar',
  '@pydantic/genai-prices',
  /^gpt-tokenizer(\/|$)/,
  'undici',
  'conf',
  'electron-store',
  '@inquirer/password',
  // Loaded on first use by dist/mcp/lazy-ajv-validator.js (see SDK_AJV below).
  '@modelcontextprotocol/sdk/validation/ajv',
];

/**
 * The MCP SDK's Server and Client import its Ajv provider and build one in their constructors, so
 * Ajv loads with every MCP connection although Keyway's server only needs it for elicitation. In
 * the bundle that import resolves to Keyway's lazy wrapper of the same provider.
 */
const SDK_AJV = /@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/](server|client)[\\/]index\.js$/;
const lazySdkAjv = {
  name: 'keyway-lazy-sdk-ajv',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source === '../validation/ajv-provider.js' && importer && SDK_AJV.test(importer)) return `${root}dist/mcp/lazy-ajv-validator.js`;
    return null;
  },
};

/**
 * commander loads node:child_process (with net, dgram and streams: about 6 ms) at import, only for
 * executable subcommands, which keyway has none of. In the bundle it is loaded on first use instead.
 * If a commander release changes that line, the bundle keeps its eager import (and says so).
 */
const COMMANDER = /commander[\\/]lib[\\/]command\.js$/;
const EAGER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyCommanderChildProcess = {
  name: 'keyway-lazy-commander-child-process',
  transform(code, id) {
    if (!COMMANDER.test(id)) return null;
    if (!code.includes(EAGER_CHILD_PROCESS)) {
      this.warn('commander no longer loads node:child_process as expected; it stays loaded at start');
      return null;
    }
    return code.replace(EAGER_CHILD_PROCESS, "const childProcess = { get spawn() { return require('node:child_process').spawn; } };");
  },
};

for (const name of readdirSync(outDir)) if (name.startsWith(CHUNK_PREFIX)) rmSync(`${outDir}/${name}`);

await build({
  root,
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
  plugins: [lazySdkAjv, lazyCommanderChildProcess],
  ssr: { noExternal: true, external: EXTERNAL.filter((e) => typeof e === 'string') },
  build: {
    ssr: `${outDir}/bin.js`,
    outDir,
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      external: EXTERNAL,
      output: {
        format: 'cjs',
        entryFileNames: 'main.cjs',
        chunkFileNames: `${CHUNK_PREFIX}[name]-[hash].cjs`,
        // import() of a package becomes require() (ES-only packages load through Node's require(esm)),
        // so the chunks can run from cached code, which Node 20 gives no dynamic import() to.
        dynamicImportInCjs: false,
        // What the entry shares with the commands (the version) gets a chunk of its own, so no chunk
        // loads the entry module itself (which would run the CLI if a chunk were loaded first).
        manualChunks: (id) => (id.endsWith('/dist/shared/version.js') ? 'version' : undefined),
      },
    },
  },
});

writeFileSync(`${outDir}/main.js`, "#!/usr/bin/env node\n// The `keyway` bin before it became main.cjs; editor configs may still name it.\nimport './main.cjs';\n");
