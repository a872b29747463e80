// A module service worker, as an MV3 extension's background runs: the package with no window and
// no document. The service-worker test posts it a message; it answers on the given port.
import init, { Client } from "/pkg/graphql_outbox.js";
import { features } from "/features.js";
import { steps as remoteSteps, answer } from "/remote.js";

// Service workers may not use top-level await; every handler waits for this instead.
const ready = init();

// Registered as `sw.js?endpoint=URL&database=NAME[&baseDelayMs=N]` (tests/js/e2e/worker-contexts.test.mjs), the
// worker opens its own client at start, as an app's service worker would, and hands Background
// Sync's `sync` events to it. The listener must be added here, in the script's first evaluation
// (the browser may start the worker just to deliver the event). Each outcome goes to the
// `sw-log` channel, since the worker may be stopped and started between events.
const params = new URL(self.location.href).searchParams;
const own = params.has("endpoint")
  ? ready.then(() => Client.open({
    endpoints: { gcdirectory: params.get("endpoint") },
    token: async () => "gc-admin-token",
    user: "service-worker",
    database: params.get("database"),
    ...(params.has("baseDelayMs") ? { outbox: { baseDelayMs: Number(params.get("baseDelayMs")) } } : {}),
  }))
  : null;
const log = new BroadcastChannel("sw-log");
self.addEventListener("sync", (event) => {
  if (!own) return;
  const handled = own.then((c) => c.syncEvent(event));
  handled.then(
    (r) => log.postMessage({ sync: event.tag, lastChance: event.lastChance, resolved: r }),
    (e) => log.postMessage({ sync: event.tag, lastChance: event.lastChance, rejected: e?.name, message: e?.message }),
  );
  event.waitUntil(handled);
});

self.addEventListener("install", (e) => e.waitUntil(self.skipWaiting()));
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

const open = (endpoint, database) => Client.open({
  endpoints: { gcdirectory: endpoint },
  token: async () => "gc-admin-token",
  user: "service-worker",
  database,
});

const steps = {
  // Generic steps (remote.js): open a client (or adopt the one opened at start), calls, queries.
  ...remoteSteps({ client: null }, own),
  // The Background Sync tags registered for this worker.
  syncTags: async () => (self.registration.sync ? self.registration.sync.getTags() : null),
  // What this engine offers a service worker (tests/js/engines/features.test.mjs).
  features: () => features(),
  // One call sent at once, one queued because its endpoint is unreachable.
  async queue({ origin }) {
    const online = await open(`${origin}/graphql/gcdirectory`, "sw-online");
    const sent = await online.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "Set from a service worker" } });
    const offline = await open("http://127.0.0.1:9/graphql/gcdirectory", "sw-offline");
    const queued = await offline.gcdirectory.modifyProfile({ gcId: "4", data: { titleFr: "Mis par un service worker" } });
    const listed = (await offline.outbox.list()).map((e) => ({ id: e.id, state: e.state }));
    online.close();
    offline.close();
    return { sent, queued, listed, hasWindow: typeof window !== "undefined", hasDocument: typeof document !== "undefined" };
  },
  // The queued entry, found by a new client on the same database that can reach the server.
  async drain({ origin, id }) {
    const client = await open(`${origin}/graphql/gcdirectory`, "sw-offline");
    const outcome = await client.outbox.settled(id);
    client.close();
    return outcome;
  },
};

self.addEventListener("message", (event) => {
  event.waitUntil(ready.then(() => answer(steps, event.data, event.ports[0])));
});
