import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config.js';

const from = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The desktop app: main (ESM), sandboxed preload (CommonJS, as sandboxing requires) and renderer, into out/. */
export default defineConfig({
  main: {
    build: {
      outDir: from('./out/main'),
      // Native modules load from node_modules (rebuilt for Electron by electron-builder), never bundled.
      rollupOptions: { input: { main: from('./src-main/electron/main.ts') }, external: ['keytar', 'better-sqlite3'] },
    },
  },
  preload: {
    build: {
      outDir: from('./out/preload'),
      rollupOptions: {
        input: { preload: from('./src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: { ...rendererConfig.build, outDir: from('./out/renderer'), rollupOptions: { input: from('./src-renderer/index.html') } },
  },
});
