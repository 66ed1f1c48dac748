import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The dashboard, served by the daemon under /dashboard/ (scripts/build.mjs builds it into dist/web). */
export default defineConfig({
  base: '/dashboard/',
  plugins: [react()],
  build: { emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 },
});
