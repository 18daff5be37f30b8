import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { compression } from "vite-plugin-compression2";

// The console is served by the API server from the same origin: built files only, no dev server in
// production. `base: "/"` because the server mounts it at the root.
export default defineConfig({
  // Brotli and gzip copies next to each file: the server sends them as they are (no compression
  // work per request), and slow field networks get a third of the bytes.
  plugins: [react(), compression({ algorithms: ["brotliCompress", "gzip"], threshold: 1024 })],
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
