// What the running engine offers the SDK in this context (window, dedicated worker or service
// worker): the support matrix of the README is checked against it by
// tests/js/engines/features.test.mjs. Plain platform probes, no SDK.

/** The durability an IndexedDB readwrite transaction reports when asked for "strict". */
async function strictDurability() {
  if (typeof indexedDB === "undefined") return "no indexedDB";
  const name = `features-${Math.random().toString(36).slice(2)}`;
  const db = await new Promise((res, rej) => {
    const r = indexedDB.open(name, 1);
    r.onupgradeneeded = () => r.result.createObjectStore("s");
    r.onsuccess = () => res(r.result);
    r.onerror = () => rej(r.error);
  });
  try {
    const tx = db.transaction("s", "readwrite", { durability: "strict" });
    // An engine without the option ignores the dictionary member and has no attribute.
    const durability = tx.durability ?? "unsupported";
    tx.objectStore("s").put(1, "k");
    await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); tx.onabort = () => rej(tx.error); });
    return durability;
  } finally {
    db.close();
    indexedDB.deleteDatabase(name);
  }
}

export async function features() {
  const g = globalThis;
  return {
    webLocks: typeof g.navigator?.locks?.request === "function",
    indexedDB: typeof g.indexedDB?.open === "function",
    strictDurability: await strictDurability(),
    // Background Sync: SyncManager (window, workers) or registration.sync (service worker).
    backgroundSync: typeof g.SyncManager === "function" || g.registration?.sync !== undefined,
    onLine: typeof g.navigator?.onLine === "boolean",
    onlineEvents: "ononline" in g,
    broadcastChannel: typeof g.BroadcastChannel === "function",
    secureContext: g.isSecureContext === true,
  };
}
