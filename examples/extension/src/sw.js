// The extension's service worker: the only place the SDK runs. The popup sends it messages; it
// makes the calls, and the outbox (IndexedDB, in this worker's origin) keeps what could not be
// sent. Chrome stops an idle MV3 worker after ~30 s: nothing here lives in memory that matters.
// A new worker opens the client again on its first event (message, alarm, startup), and
// Client.open drains what the last one left.
import init, { Client } from "./graphql-outbox/index.js";

// The reference server's seeded GC Directory profiles and their demo tokens (server/README.md).
// A real extension would get its token from chrome.identity; the SDK keeps tokens in memory only.
const PROFILES = {
  "2": { name: "Uma User", token: "gc-user-uma-token" },
  "4": { name: "Val Viewer", token: "gc-user-val-token" },
  "5": { name: "Ned Newcomer", token: "gc-user-ned-token" },
};
const DEFAULTS = { server: "http://127.0.0.1:8080", gcId: "2" };

let opened = null; // { key, client: Promise<Client> }

async function config() {
  const stored = await chrome.storage.local.get(["server", "gcId"]);
  return { ...DEFAULTS, ...stored };
}

/** The client for the current settings (one per worker life, reopened when settings change). */
async function client() {
  const c = await config();
  const key = `${c.server}|${c.gcId}`;
  if (opened?.key === key) return opened.client;
  const previous = opened;
  opened = {
    key,
    client: (async () => {
      if (previous) (await previous.client.catch(() => null))?.close();
      await init(); // loads graphql-outbox/graphql_outbox_bg.wasm from the extension
      return Client.open({
        endpoints: { gcdirectory: new URL("/graphql/gcdirectory", c.server).href },
        token: async () => PROFILES[c.gcId]?.token ?? null,
        user: `gc-${c.gcId}`,
        database: "extension",
        outbox: { baseDelayMs: 500, maxDelayMs: 15_000 },
      });
    })(),
  };
  opened.client.catch(() => { if (opened?.key === key) opened = null; });
  return opened.client;
}

async function state() {
  const c = await client();
  const [entries, stats, cfg] = await Promise.all([c.outbox.list(), c.outbox.stats(), config()]);
  return {
    config: cfg,
    profiles: PROFILES,
    pending: ["queued", "sending", "retrying", "auth", "blocked"].reduce((n, s) => n + (stats.byState[s] ?? 0), 0),
    entries: entries.slice(-10).map((e) => ({ id: e.id, state: e.state, title: e.variables?.data?.titleEn ?? null, error: e.lastError?.message ?? null })),
  };
}

async function handle(msg) {
  switch (msg?.type) {
    case "state":
      return state();
    case "configure": {
      const next = {};
      if (typeof msg.server === "string") next.server = new URL(msg.server).origin; // throws on a bad URL
      if (typeof msg.gcId === "string" && PROFILES[msg.gcId]) next.gcId = msg.gcId;
      await chrome.storage.local.set(next);
      return state();
    }
    case "modifyProfile": {
      const c = await client();
      const { gcId } = await config();
      const r = await c.gcdirectory.modifyProfile({ gcId, data: { titleEn: String(msg.titleEn ?? "") } });
      return { status: r.status, id: r.id };
    }
    case "sync":
      await (await client()).sync();
      return state();
    default:
      throw new Error(`unknown message ${JSON.stringify(msg?.type)}`);
  }
}

chrome.runtime.onMessage.addListener((msg, _sender, reply) => {
  handle(msg).then(
    (ok) => reply({ ok }),
    (e) => reply({ error: { name: e?.name ?? "Error", message: e?.message ?? String(e), details: e?.details ?? null } }),
  );
  return true; // answers asynchronously
});

// Wake-ups that drain without the popup: browser start, install/update, and a periodic alarm
// (the worker may have been stopped while entries waited; opening the client drains them).
const wake = () => { client().then((c) => c.sync()).catch((e) => console.warn("outbox drain:", e)); };
chrome.runtime.onStartup.addListener(wake);
chrome.runtime.onInstalled.addListener(() => {
  chrome.alarms.create("outbox-drain", { periodInMinutes: 1 });
  wake();
});
chrome.alarms.onAlarm.addListener((a) => { if (a.name === "outbox-drain") wake(); });
