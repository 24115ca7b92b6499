// Builds the web client into the Python package (src/roost/web/dist), where
// src/roost/api/webapp.py serves it; `scripts/build-webapp` runs this.
import {defineConfig} from 'vite';

export default defineConfig({
    base: '/',
    oxc: {jsx: {runtime: 'automatic', importSource: 'preact'}},
    build: {
        outDir: '../src/roost/web/dist',
        emptyOutDir: true,
        // Hashed file names under /static/, which Roost serves with a year-long cache.
        assetsDir: 'static',
        target: 'es2022',
        sourcemap: false,
        reportCompressedSize: false,
    },
    server: {
        // `npx vite` in webapp/ for development against `roost serve` on :8065.
        proxy: {'/api': {target: 'http://localhost:8065', ws: true}},
    },
});
