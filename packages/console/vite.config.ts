import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { compression } from "vite-plugin-compression2";
import { VitePWA } from "vite-plugin-pwa";
import { htmlMessages } from "./build/html-messages.ts";
import { preloadMain } from "./build/preload-main.ts";

/** Paths the server answers itself: a navigation there must reach the network, never the shell. */
const SERVER_PATHS = [/^\/v1\//, /^\/docs/, /^\/openapi\.json/, /^\/health/];

// The console is served by the API server from the same origin: built files only, no dev server in
// production. `base: "/"` because the server mounts it at the root.
export default defineConfig({
  plugins: [
    react(),
    htmlMessages(),
    preloadMain(),
    // Brotli and gzip copies next to each file: the server sends them as they are (no compression
    // work per request), and slow field networks get a third of the bytes.
    compression({ algorithms: ["brotliCompress", "gzip"], threshold: 1024 }),
    // A service worker (Workbox) that answers the page and its hashed files from its cache: a warm
    // load skips the page's round trip and the sign-in screen opens with no network at all.
    VitePWA({
      // No skipWaiting: a new worker waits until no tab runs the old shell, so the old worker and
      // its precache keep every file the old shell may still load lazily (the server no longer has
      // them after a deployment). The page registers the worker itself (src/lib/service-worker.ts):
      // no inline script, which the Content-Security-Policy forbids.
      registerType: "prompt",
      injectRegister: false,
      manifest: false,
      workbox: {
        // The shell only: the page and the hashed files of this build (not their .br/.gz copies).
        globPatterns: ["index.html", "assets/*.{js,css,svg}"],
        // The server serves the page at `/` only.
        manifestTransforms: [
          async (entries) => ({
            manifest: entries.map((entry) => (entry.url === "index.html" ? { ...entry, url: "/" } : entry)),
          }),
        ],
        navigateFallback: "/",
        // Console screens are hash routes: `/` is the only console navigation.
        navigateFallbackAllowlist: [/^\/$/],
        navigateFallbackDenylist: SERVER_PATHS,
        // NEVER cache an API answer: `/v1/` answers carry case data and are `no-store`. No runtime
        // caching at all, so every request outside the precached shell (the API, the settings)
        // goes to the network untouched (e2e/service-worker.test.ts checks the caches).
        runtimeCaching: [],
        inlineWorkboxRuntime: true,
        cleanupOutdatedCaches: true,
        sourcemap: false,
      },
    }),
  ],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Field phones: target what Chromium/Android WebView of the last years run, no legacy bundle.
    target: "es2022",
    // No inline <script> and no data: URIs for assets: the Content-Security-Policy forbids both.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: { proxy: { "/v1": "http://127.0.0.1:3000" } },
});
