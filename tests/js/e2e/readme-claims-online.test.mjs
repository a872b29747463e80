// README "Sending (draining)": `navigator.onLine === false` skips the automatic passes — on
// Client.open, on a new call, on the backoff timer — while `client.sync()` still tries (issue 7).
// Chromium is taken offline with Playwright's context.setOffline(true), which also makes
// navigator.onLine false in the page. "No request" is checked twice: no POST seen by Chromium's
// network layer and no `sending` event from the outbox.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

test("offline: open, new calls and a due timer make no request; sync() tries; online sends all", { timeout: 90_000 }, async () => {
  await env.server.clearFaults();
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    const requests = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().includes("/graphql/")) requests.push({ key: r.headers()["idempotency-key"], at: Date.now() });
    });
    const sendingEvents = () => page.evaluate(() => window.events.filter((e) => e.type === "sending").length);
    const options = { database: "claims-offline", outbox: { baseDelayMs: 10, maxDelayMs: 10 } };
    await page.evaluate((o) => openClient(o), options);

    // 1. The timer: a 503 with Retry-After: 1 makes the entry due again in about 1 s. Going
    //    offline at once, the timer fires while navigator.onLine is false and must not send.
    await env.server.addFaults({ api: "gcdirectory", status: 503, retryAfter: "1", times: 1 });
    const first = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "Offline 1" } }));
    await context.setOffline(true);
    assert.equal(first.status, "queued", JSON.stringify(first));
    assert.equal(await page.evaluate(() => navigator.onLine), false, "setOffline must make navigator.onLine false");
    assert.equal(requests.length, 1, "the first attempt (503) was made online");
    const [retrying] = await page.evaluate((id) => window.events.filter((e) => e.type === "retrying" && e.id === id), first.id);
    assert.ok(retrying, "a retrying event after the 503");
    const sendingBefore = await sendingEvents();
    // Wait until well past the due time.
    await sleep(Math.max(0, retrying.nextAttemptAt - Date.now()) + 1500);
    assert.ok(Date.now() > retrying.nextAttemptAt + 1000, "the retry was due");
    assert.equal(requests.length, 1, "the backoff timer made a request while offline");
    assert.equal(await sendingEvents(), sendingBefore, "the backoff timer started an attempt while offline");

    // 2. A new call while offline: stored and queued, not sent.
    const second = await page.evaluate(() => call("modifyProfile", { gcId: "5", data: { titleEn: "Offline 2" } }));
    assert.equal(second.status, "queued", JSON.stringify(second));
    await sleep(500);
    assert.equal(requests.length, 1, "a new call made a request while offline");
    assert.equal(await sendingEvents(), sendingBefore, "a new call started an attempt while offline");

    // 3. Client.open while offline: a new client over the same database makes no request either.
    await page.evaluate(() => window.client.close());
    await page.evaluate((o) => openClient(o), options);
    const listed = await page.evaluate(() => window.client.outbox.list());
    assert.deepEqual(listed.map((e) => e.id), [first.id, second.id]);
    await sleep(1000);
    assert.equal(requests.length, 1, "Client.open made a request while offline");
    assert.equal(await sendingEvents(), sendingBefore, "Client.open started an attempt while offline");

    // 4. client.sync() still tries (the browser's hint is only a hint): an attempt starts.
    await page.evaluate(() => window.client.sync());
    assert.ok(await sendingEvents() > sendingBefore, "sync() must try even while navigator.onLine is false");
    const afterSync = await page.evaluate(() => window.client.outbox.list());
    assert.ok(afterSync[0].attempts > listed[0].attempts, `sync() counted an attempt: ${JSON.stringify(afterSync[0])}`);
    assert.equal(afterSync[0].lastError?.kind, "network", `the attempt failed for want of a network: ${JSON.stringify(afterSync[0])}`);
    assert.deepEqual(await env.server.applied(), [], "nothing can reach the server while offline");

    // 5. Back online: the `online` event drains, and both entries are applied once each.
    await context.setOffline(false);
    const settled = await page.evaluate((ids) => settleAll(ids, 20000), [first.id, second.id]);
    assert.deepEqual(settled.map((s) => s.status), ["sent", "sent"], JSON.stringify(settled));
    const applied = await env.server.applied();
    assert.deepEqual(applied.map((a) => [a.idempotencyKey, a.timesApplied]), [[first.id, 1], [second.id, 1]]);
  } finally {
    await context.close();
  }
});
