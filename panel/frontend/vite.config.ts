import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The build lands in panel/static/ (committed); Flask serves it at / with an index.html fallback.
export default defineConfig({
  plugins: [react()],
  base: '/',
  worker: { format: 'es' },
  build: {
    outDir: '../static',
    emptyOutDir: true,
    chunkSizeWarningLimit: 3000,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:5000',
      '/schemas': 'http://127.0.0.1:5000',
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
