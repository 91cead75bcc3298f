import { defineConfig } from 'vite';

// The chat window, served at /widget/frame.html and shown in an iframe by the loader.
export default defineConfig({
  base: '/widget/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rollupOptions: { input: 'frame.html' },
  },
});
