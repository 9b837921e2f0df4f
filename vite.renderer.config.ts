import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';

/** The renderer build, shared by electron-vite (the app) and `npm run build:renderer` (served at /ui/). */
export const rendererConfig: UserConfig = {
  root: fileURLToPath(new URL('./src-renderer/', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    minify: true,
    reportCompressedSize: false,
  },
};

export default defineConfig(rendererConfig);
