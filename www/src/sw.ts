// The app's service worker (vite-plugin-pwa, injectManifest): Workbox precaches the shell, the
// package's glue and its wasm from the build's manifest, so the app loads offline after the
// first visit; and, where Background Sync exists, a `sync` event opens the SDK here and drains
// the worker's outbox, so entries go out even when every tab is closed.
/// <reference lib="webworker" />
import { cleanupOutdatedCaches, precacheAndRoute } from "workbox-precaching";
import { accountByUser } from "./accounts";
import { openClient } from "./client";

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// A new version takes over at once: the outbox lives in IndexedDB, not in the page, so nothing
// is lost by swapping the shell under an open tab.
self.addEventListener("install", () => { void self.skipWaiting(); });
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

interface SyncEvent extends ExtendableEvent { readonly tag: string; readonly lastChance: boolean }

self.addEventListener("sync", ((event: SyncEvent) => {
  const prefix = "graphql-outbox:";
  if (!event.tag.startsWith(prefix)) return;
  event.waitUntil(drain(event.tag.slice(prefix.length)));
}) as EventListener);

/** Drains one user's outbox; rejects while entries still wait, so the browser tries the sync again later. */
async function drain(user: string): Promise<void> {
  // The demo's tokens are the seeded workers' (accounts.ts); a real app would read a stored
  // refresh credential here, since the page's in-memory token is gone when the tab is closed.
  const account = accountByUser(user);
  if (!account) return;
  const client = await openClient(account, self.location.origin);
  try {
    await client.sync();
    const { byState } = await client.outbox.stats();
    const left = byState.queued + byState.sending + byState.retrying;
    if (left > 0) throw new Error(`${left} entries still wait; the browser will fire sync again`);
  } finally {
    client.close();
  }
}
