import { defineConfig } from 'vite';

// Served by the Switchboard server at /console/ (core/src/http/app-routes.ts).
export default defineConfig({
  base: '/console/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
});
