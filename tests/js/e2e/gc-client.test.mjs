// A Client garbage-collected without close() (the package is built with wasm-bindgen's weak
// refs, so the GC frees it) must unregister its `online` listener and BroadcastChannel: a
// listener left behind calls a dropped closure on the next `online` event, which throws.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startServer, openPage, CHROMIUM_FLAGS } from "./harness.mjs";

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: [...CHROMIUM_FLAGS, "--js-flags=--expose-gc"], headless: true });
});
after(async () => { await browser?.close(); await server?.stop(); });

test("a client collected without close() leaves no listener behind", { timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  try {
    const page = await openPage(context, server.url);
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const collected = await page.evaluate(async () => {
      let freed = false;
      const watch = new FinalizationRegistry(() => { freed = true; });
      await (async () => {
        const c = await window.sdk.Client.open({
          endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` }, user: "gc", database: "gc-collected",
        });
        watch.register(c, "client");
        await c.outbox.stats();
      })();
      for (let i = 0; i < 50 && !freed; i++) {
        window.gc();
        await new Promise((r) => setTimeout(r, 50));
      }
      // wasm-bindgen's own registry frees the Rust side in its callback: give it a turn too.
      window.gc();
      await new Promise((r) => setTimeout(r, 200));
      return freed;
    });
    assert.ok(collected, "the client was not collected; the test proves nothing");
    await page.evaluate(() => {
      window.dispatchEvent(new Event("online"));
      new BroadcastChannel("graphql-outbox:gc-collected").postMessage({ event: { type: "queued", user: "gc", id: "x" } });
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(errors, [], "an event reached a dropped closure");
  } finally {
    await context.close();
  }
});
