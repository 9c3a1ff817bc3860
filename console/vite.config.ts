/**
 * The Gust web console. `npm run build:console` builds it to console/dist, which `gust serve`
 * serves at /console/. `npm run dev:console` serves it with hot reload against a Gust on :9000.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const gust = process.env.GUST_ENDPOINT ?? 'http://127.0.0.1:9000';
const apiPrefixes = ['/2015-03-31', '/2016-08-19', '/2017-10-31', '/2019-09-25', '/2019-09-30', '/2021-10-31', '/gust'];

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600 },
  server: { proxy: Object.fromEntries(apiPrefixes.map((p) => [p, gust])) },
});
