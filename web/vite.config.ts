/**
 * The Studio's build: a React app on the SDK's typed documents, imported from the SDK's sources
 * (`@reyna-studio/sdk` is client-sdk/index.ts). `reyna serve` serves the output (web/dist) at `/`.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: {
    alias: {
      '@reyna-studio/sdk': fileURLToPath(new URL('../client-sdk/index.ts', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    // The Content-Security-Policy allows no inline script: keep Vite from adding one.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
