// A global `fetch` the app (or a test runner, or a wrapper) replaced with one that does not
// answer a `Response`, or that throws at once: the call must settle with its entry kept, and the
// client must go on once `fetch` works again. Before round s27 gloo-net's `send()` panicked on
// a non-`Response` (a trap with `panic = "abort"`: the module dead, every later call pending),
// and a synchronous throw unwound through the drain, its Web Lock never released.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, freshPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("a fetch that answers a plain object or throws leaves the entry queued and the client working", { timeout: 60_000 }, async () => {
  const { context, page } = await freshPage(env);
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  try {
    await page.evaluate(() => openClient({ database: "hostilefetch" }));
    const results = await page.evaluate(async () => {
      const realFetch = globalThis.fetch;
      const within = (p, ms = 5000) => Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms))]);
      const answer = (p) => within(p).then((r) => r.status, (e) => `${e.name}: ${e.message}`);
      const gc = window.client.gcdirectory;
      const out = {};
      // A mock as test runners write them: a promise of a plain object.
      globalThis.fetch = async () => ({ status: 200, ok: true, headers: new Map(), text: async () => "{}" });
      out.plainObject = await answer(gc.modifyProfile({ gcId: "1", data: { titleEn: "plain object" } }));
      const lastError = async () => (await window.client.outbox.list())[0].lastError?.message;
      out.plainObjectError = await lastError();
      // A wrapper that throws before returning a promise: `sync()` attempts the entry again.
      globalThis.fetch = () => { throw new TypeError("the wrapper broke"); };
      await within(window.client.sync(), 10_000).catch(() => {});
      out.throwsError = await lastError();
      out.behind = await answer(gc.modifyProfile({ gcId: "2", data: { titleEn: "behind it" } }));
      globalThis.fetch = realFetch;
      await within(window.client.sync(), 10_000);
      out.after = await answer(gc.modifyProfile({ gcId: "3", data: { titleEn: "after" } }));
      out.states = (await window.client.outbox.list()).map((e) => e.state);
      return out;
    });
    assert.equal(results.plainObject, "queued");
    assert.match(results.plainObjectError, /fetch resolved to a value of type object, not a Response/);
    assert.match(results.throwsError, /the wrapper broke/);
    assert.equal(results.behind, "queued");
    assert.equal(results.after, "sent");
    assert.deepEqual(results.states, ["sent", "sent", "sent"]);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test("a fetch wrapper that drops the request's AbortSignal is still bounded by requestTimeoutMs", { timeout: 60_000 }, async () => {
  // The wrapper rebuilds the request from its URL, without the signal, and the server stalls:
  // before round s27 nothing ended the wait, and the drain held its Web Lock for as long.
  const { context, page } = await freshPage(env);
  try {
    await env.server.addFaults({ operation: "modifyProfile", delayMs: 4000 });
    await page.evaluate(() => openClient({ database: "nosignal", extra: { requestTimeoutMs: 500 } }));
    const r = await page.evaluate(async () => {
      const realFetch = globalThis.fetch;
      globalThis.fetch = async (req) => realFetch(req.url, { method: req.method, headers: req.headers, body: await req.text() });
      const t0 = Date.now();
      const status = await window.client.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "no signal" } }).then((v) => v.status, (e) => e.name);
      const ms = Date.now() - t0;
      globalThis.fetch = realFetch;
      return { status, ms, error: (await window.client.outbox.list())[0].lastError?.message };
    });
    assert.equal(r.status, "queued", JSON.stringify(r));
    assert.ok(r.ms < 3500, `answered after ${r.ms} ms`);
    assert.match(r.error, /no answer within 500 ms/);
  } finally {
    await env.server.clearFaults();
    await context.close();
  }
});
