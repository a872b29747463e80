// The SDK in a module service worker (no window, no document), as an MV3 extension runs it:
// a call is stored and sent, a call to an unreachable server is queued in IndexedDB, and a new
// client in the worker later finds that entry and sends it, applied once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

/** Posts one step to the active service worker and returns its answer. */
function step(page, message) {
  return page.evaluate((m) => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => resolve(e.data);
    navigator.serviceWorker.ready.then((reg) => reg.active.postMessage(m, [channel.port2]));
  }), message);
}

test("a module service worker queues, keeps and sends mutations", { timeout: 120_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await page.evaluate(async () => {
      await navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/" });
      await navigator.serviceWorker.ready;
    });

    const first = await step(page, { step: "queue", origin: env.url });
    assert.ok(first.ok, JSON.stringify(first));
    const { sent, queued, listed, hasWindow, hasDocument } = first.ok;
    assert.deepEqual([hasWindow, hasDocument], [false, false], "the SDK ran with no window and no document");
    assert.equal(sent.status, "sent", JSON.stringify(sent));
    assert.equal(sent.data.titleEn, "Set from a service worker");
    assert.equal(queued.status, "queued", JSON.stringify(queued));
    assert.deepEqual(listed.map((e) => e.id), [queued.id], "the queued entry is in the worker's outbox");

    const second = await step(page, { step: "drain", origin: env.url, id: queued.id });
    assert.ok(second.ok, JSON.stringify(second));
    assert.equal(second.ok.status, "sent", JSON.stringify(second.ok));
    const applied = await env.server.applied();
    assert.deepEqual(applied.map((r) => r.idempotencyKey), [sent.id, queued.id], "each applied once, in order");
    const profile = await env.server.graphql("gcdirectory", "gc-admin-token", '{ profile(gcId: "4") { titleEn titleFr } }');
    assert.deepEqual(profile.data.profile, { titleEn: "Set from a service worker", titleFr: "Mis par un service worker" });
  } finally {
    await context.close();
  }
});
