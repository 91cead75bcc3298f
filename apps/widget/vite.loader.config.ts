import { defineConfig } from 'vite';

// The embed loader: one small classic script (IIFE) at /widget/loader.js; budget 2 KB gzipped.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2019',
    lib: {
      entry: 'src/loader/loader.ts',
      formats: ['iife'],
      name: 'SwitchboardLoader',
      fileName: () => 'loader.js',
    },
  },
});
