// A module service worker, as an MV3 extension's background runs: the package with no window and
// no document. The service-worker test posts it a message; it answers on the given port.
import init, { Client } from "/pkg/graphql_outbox.js";
import { features } from "/features.js";

// Service workers may not use top-level await; every handler waits for this instead.
const ready = init();

self.addEventListener("install", (e) => e.waitUntil(self.skipWaiting()));
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

const open = (endpoint, database) => Client.open({
  endpoints: { gcdirectory: endpoint },
  token: async () => "gc-admin-token",
  user: "service-worker",
  database,
});

const steps = {
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
  const reply = event.ports[0];
  event.waitUntil(
    ready
      .then(() => steps[event.data.step](event.data))
      .then(
        (ok) => reply.postMessage({ ok }),
        (e) => reply.postMessage({ error: { name: e?.name, message: e?.message ?? String(e) } }),
      ),
  );
});
