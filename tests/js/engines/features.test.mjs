// The platform features the SDK uses, probed in each engine and context (tests/js/e2e/page/
// features.js), against the support matrix the README states. An engine that gains or loses a
// feature fails here, so the matrix and the SDK's fallbacks are revisited, not silently wrong.
// Where a feature is missing the SDK does without it (see README, "Engines"): no Background Sync
// anywhere is needed (it drains on open, sync(), every call, `online` and its backoff timer);
// "strict" durability is a hint an engine may ignore; without Web Locks the IndexedDB claim
// alone keeps one sender per entry.
import { test } from "node:test";
import assert from "node:assert/strict";
import { eachEngine, openPage, inPage } from "./webdriver.mjs";

const all = { webLocks: true, indexedDB: true, onLine: true, broadcastChannel: true, secureContext: true };

/** What each engine offers, per context, as measured here (Debian Chromium 156, Firefox ESR 153, WebKitGTK 2.50). */
export const EXPECTED = {
  chromium: {
    window: { ...all, strictDurability: "strict", backgroundSync: true, onlineEvents: true },
    // SyncManager is exposed in workers, but only a service worker registration can use it.
    // Chromium fires no `online`/`offline` in workers: there the SDK's timer and calls drain.
    worker: { ...all, strictDurability: "strict", backgroundSync: true, onlineEvents: false },
    serviceWorker: { ...all, strictDurability: "strict", backgroundSync: true, onlineEvents: false },
  },
  firefox: {
    window: { ...all, strictDurability: "strict", backgroundSync: false, onlineEvents: true },
    worker: { ...all, strictDurability: "strict", backgroundSync: false, onlineEvents: true },
    serviceWorker: { ...all, strictDurability: "strict", backgroundSync: false, onlineEvents: true },
  },
  webkit: {
    window: { ...all, strictDurability: "strict", backgroundSync: false, onlineEvents: true },
    worker: { ...all, strictDurability: "strict", backgroundSync: false, onlineEvents: true },
    serviceWorker: { ...all, strictDurability: "strict", backgroundSync: false, onlineEvents: true },
  },
};

/** The probe in a module dedicated worker of the page. */
function inWorker(driver) {
  return inPage(driver, () => new Promise((resolve, reject) => {
    const src = `import { features } from "${location.origin}/features.js"; postMessage(await features());`;
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: "text/javascript" })), { type: "module" });
    w.onmessage = (e) => { w.terminate(); resolve(e.data); };
    w.onerror = (e) => { w.terminate(); reject(new Error(`worker: ${e.message}`)); };
  }));
}

/** The probe in the page's module service worker (tests/js/e2e/page/sw.js, step "features"). */
function inServiceWorker(driver) {
  return inPage(driver, async () => {
    await navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/" });
    const reg = await navigator.serviceWorker.ready;
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) => resolve(e.data.ok ?? e.data);
      reg.active.postMessage({ step: "features" }, [channel.port2]);
    });
  });
}

eachEngine((engine, env) => {
  test("the window, a dedicated worker and a service worker offer what the support matrix says", { timeout: 60_000 }, async () => {
    const { driver } = env.session;
    await openPage(driver, env.page.url);
    const seen = {
      window: await inPage(driver, async () => (await import("/features.js")).features()),
      worker: await inWorker(driver),
      serviceWorker: await inServiceWorker(driver),
    };
    if (process.env.OUTBOX_PRINT_FEATURES) console.log(engine, JSON.stringify(seen, null, 1));
    assert.deepEqual(seen, EXPECTED[engine]);
  });
});
