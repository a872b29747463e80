import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

export default defineConfig({
  build: { target: "es2022", sourcemap: false },
  // graphql-outbox is linked from ../pkg (file:); its react.js must get this app's React, not
  // look for one beside pkg/.
  resolve: { dedupe: ["react", "react-dom"] },
  plugins: [
    VitePWA({
      // injectManifest: our own service worker (src/sw.ts), built by Vite so it can import the
      // package, with Workbox's precache list injected at build time (no hand-written list).
      strategies: "injectManifest",
      srcDir: "src",
      filename: "sw.ts",
      injectRegister: false, // main.tsx registers it as a module worker
      manifest: {
        name: "Timesheets (graphql-outbox demo)",
        short_name: "Timesheets",
        start_url: "/",
        display: "standalone",
        theme_color: "#1d4f73",
        background_color: "#f4f6f8",
        icons: [{ src: "icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" }],
      },
      injectManifest: {
        // The wasm must be precached too: without it the SDK cannot start offline.
        globPatterns: ["**/*.{js,css,html,wasm}"], // + the manifest and its icon, which the plugin adds
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        rollupFormat: "es",
      },
    }),
  ],
});
