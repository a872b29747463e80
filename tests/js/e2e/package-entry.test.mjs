// The package's entry module (pkg/index.js, issue 11) in headless Chromium: what a page gets
// from `import init, { Client } from "graphql-outbox"`.
// - Client.open before `await init()` rejects with ConfigError saying to call init first (the
//   bare wasm-bindgen glue throws "Cannot read properties of undefined (reading 'client_open')").
// - client[Symbol.dispose]() closes the client, then frees it: an API object taken from the
//   client before then finds its storage closed (StorageError, reason "unavailable", as after
//   close()), where free() alone leaves the client running; the same at the end of a `using`
//   block (Chromium parses `using`; Node 20, running this file, does not).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

/** A fresh context on a page that loads no script. */
async function blankPage() {
  await env.server.clearFaults();
  const context = await env.browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[page error] ${e.message}`));
  await page.goto(`${env.url}/entry.html`);
  return { context, page };
}

test("Client.open before init() rejects ConfigError telling to await init(); after init it opens", { timeout: 60_000 }, async () => {
  const { context, page } = await blankPage();
  try {
    const r = await page.evaluate(async () => {
      const { default: init, Client } = await import("/pkg/index.js");
      const options = { endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` }, token: async () => "gc-admin-token", user: "alice", database: "entry-init" };
      const before = await Client.open(options).then(
        () => ({ resolved: true }),
        (e) => ({ isError: e instanceof Error, name: e.name, message: e.message }),
      );
      await init();
      const client = await Client.open(options);
      const user = client.user;
      client.close();
      return { before, user };
    });
    assert.equal(r.before.isError, true, JSON.stringify(r.before));
    assert.equal(r.before.name, "ConfigError", JSON.stringify(r.before));
    assert.match(r.before.message, /await init\(\)/);
    assert.equal(r.user, "alice");
  } finally {
    await context.close();
  }
});

test("client[Symbol.dispose]() closes the client (free() alone does not)", { timeout: 60_000 }, async () => {
  const { context, page } = await blankPage();
  try {
    const r = await page.evaluate(async () => {
      const { default: init, Client } = await import("/pkg/index.js");
      await init();
      const open = (database) => Client.open({
        endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` },
        token: async () => "gc-admin-token",
        user: "alice",
        database,
      });
      const outcome = (p) => p.then((v) => ({ status: v.status }), (e) => ({ name: e.name, details: e.details }));
      const args = { gcId: "1", data: { titleEn: "after dispose" } };

      // Control: free() only. The API object keeps the client alive and it still sends.
      const freed = await open("entry-free");
      const gcFreed = freed.gcdirectory;
      freed.free();
      const afterFree = await outcome(gcFreed.modifyProfile(args));

      const disposed = await open("entry-dispose");
      const gc = disposed.gcdirectory;
      const hasDispose = typeof Symbol.dispose === "symbol" && typeof disposed[Symbol.dispose] === "function";
      disposed[Symbol.dispose]();
      const afterDispose = await outcome(gc.modifyProfile(args));
      // A second dispose (e.g. `using` after a manual one) is harmless.
      let again = "ok";
      try { disposed[Symbol.dispose](); } catch (e) { again = `${e.name}: ${e.message}`; }
      return { hasDispose, afterFree, afterDispose, again };
    });
    assert.equal(r.hasDispose, true);
    assert.deepEqual(r.afterFree, { status: "sent" }, "free() alone leaves the client open");
    assert.equal(r.afterDispose.name, "StorageError", JSON.stringify(r.afterDispose));
    assert.equal(r.afterDispose.details.reason, "unavailable", JSON.stringify(r.afterDispose));
    assert.equal(r.again, "ok");
    // Only the control's call reached the server.
    assert.equal((await env.server.requests()).length, 1);
  } finally {
    await context.close();
  }
});

test("`using client = await Client.open(...)` closes the client at the end of its block", { timeout: 60_000 }, async () => {
  const { context, page } = await blankPage();
  try {
    // A string, not a function: Node 20 (running this file) cannot parse `using`; Chromium can.
    const r = await page.evaluate(`(async () => {
      const { default: init, Client } = await import("/pkg/index.js");
      await init();
      let gc;
      {
        using client = await Client.open({
          endpoints: { gcdirectory: location.origin + "/graphql/gcdirectory" },
          token: async () => "gc-admin-token",
          user: "alice",
          database: "entry-using",
        });
        gc = client.gcdirectory;
      }
      return gc.modifyProfile({ gcId: "1", data: { titleEn: "after using" } })
        .then((v) => ({ status: v.status }), (e) => ({ name: e.name, details: e.details }));
    })()`);
    assert.equal(r.name, "StorageError", JSON.stringify(r));
    assert.equal(r.details.reason, "unavailable", JSON.stringify(r));
  } finally {
    await context.close();
  }
});
