// The app's service worker (vite-plugin-pwa, injectManifest): Workbox precaches the shell, the
// package's glue and its wasm from the build's manifest, so the app loads offline after the
// first visit; and, where Background Sync exists, a `sync` event opens the SDK here and drains
// the worker's outbox, so entries go out even when every tab is closed.
/// <reference lib="webworker" />
import { cleanupOutdatedCaches, precacheAndRoute } from "workbox-precaching";
import { accountByUser } from "./accounts";
import { openClient, SYNC_TAG_PREFIX } from "./client";

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// A new version takes over at once: the outbox lives in IndexedDB, not in the page, so nothing
// is lost by swapping the shell under an open tab.
self.addEventListener("install", () => { void self.skipWaiting(); });
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

interface SyncEvent extends ExtendableEvent { readonly tag: string; readonly lastChance: boolean }

self.addEventListener("sync", ((event: SyncEvent) => {
  if (!event.tag.startsWith(SYNC_TAG_PREFIX)) return;
  event.waitUntil(drain(event));
}) as EventListener);

/**
 * Drains the user's outbox the tag names through `client.syncEvent`: it resolves once nothing
 * waits for the network and rejects while entries still do, so the browser fires `sync` again
 * later (on its last chance it resolves, and the next open or `online` drains).
 */
async function drain(event: SyncEvent): Promise<void> {
  // The demo's tokens are the seeded workers' (accounts.ts); a real app would read a stored
  // refresh credential here, since the page's in-memory token is gone when the tab is closed.
  const account = accountByUser(event.tag.slice(SYNC_TAG_PREFIX.length));
  if (!account) return;
  const client = await openClient(account, self.location.origin);
  try {
    await client.syncEvent(event);
  } finally {
    client.close();
  }
}
