// What a mutation call stores is its arguments as they were when it was made: an app may change
// or reuse the object right after the call returns (a form's state object, one `row` filled per
// day in a loop without `await`, as README's group commit invites). Before round s27 the
// arguments were read a microtask later: every call of such a loop stored the last values (one
// mutation lost, another applied twice under two keys), and a property added after a valid call
// made it reject.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, freshPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("a call stores its arguments as they were at the call, whatever the app does to them after", { timeout: 60_000 }, async () => {
  const { context, page } = await freshPage(env);
  try {
    await context.setOffline(true);
    const got = await page.evaluate(async () => {
      await openClient({ database: "callargs" });
      const gc = window.client.gcdirectory;
      // One object reused for three days, no await in between.
      const row = { gcId: "1", data: { titleEn: "" } };
      const calls = [];
      for (const day of ["mon", "tue", "wed"]) {
        row.data.titleEn = day;
        calls.push(gc.modifyProfile(row));
      }
      // A valid call, then a property the schema does not have added to its object.
      const form = { gcId: "2", data: { titleEn: "saved" } };
      calls.push(gc.modifyProfile(form));
      form.data.saving = true;
      const rs = await Promise.allSettled(calls);
      const listed = await window.client.outbox.list();
      return { statuses: rs.map((r) => r.status === "fulfilled" ? r.value.status : r.reason.name), titles: listed.map((e) => e.variables.data.titleEn) };
    });
    assert.deepEqual(got.statuses, ["queued", "queued", "queued", "queued"]);
    assert.deepEqual(got.titles, ["mon", "tue", "wed", "saved"]);
  } finally {
    await context.close();
  }
});

test("a misspelt option is refused, naming it, and nothing is stored", { timeout: 60_000 }, async () => {
  // Before round s27 they were ignored: `idempotence: { gcdirectory: "none" }` left a server that
  // ignores keys to blind resends, `{ dependOn }` dropped the order it asked for.
  const { context, page } = await freshPage(env);
  try {
    await context.setOffline(true);
    const got = await page.evaluate(async () => {
      const base = { endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` }, user: "alice", database: "misspelt" };
      const open = (extra) => sdk.Client.open({ ...base, ...extra }).then(() => "opened", (e) => `${e.name}: ${e.message}`);
      const out = {
        top: await open({ idempotence: { gcdirectory: "none" } }),
        outbox: await open({ outbox: { maxAttempts: 1 } }),
        cache: await open({ cache: { maxbytes: 10 } }),
        batch: await open({ batch: { gcdirectory: { maxx: 2 } } }),
        // Not a misspelling, but refused with them since round s27: a retry at once, forever.
        noDelay: await open({ outbox: { baseDelayMs: 0 } }),
        // A getter that throws was read as "not set": here, keys after all (round s27).
        getterThrows: await sdk.Client.open(Object.defineProperty({ ...base }, "idempotency", { enumerable: true, get() { throw new Error("boom"); } }))
          .then(() => "opened", (e) => `${e.name}: ${e.message}`),
        fine: await open({ outbox: { maxHttpAttempts: 3 }, batch: { max: 20 }, idempotency: { gcdirectory: "header" } }),
      };
      const client = await sdk.Client.open(base);
      out.call = await client.gcdirectory.modifyProfile({ gcId: "1", data: { titleEn: "x" } }, { dependOn: [] })
        .then((r) => r.status, (e) => `${e.name}: ${e.details?.path}`);
      out.list = await client.outbox.list({ status: "dead" }).then(() => "listed", (e) => `${e.name}: ${e.details?.path}`);
      out.stored = (await client.outbox.list()).length;
      return out;
    });
    assert.match(got.top, /^ConfigError: Client\.open: options\.idempotence is not an option \(known: .*idempotency/);
    assert.match(got.outbox, /^ConfigError: .*options\.outbox\.maxAttempts is not an option/);
    assert.match(got.cache, /^ConfigError: .*options\.cache\.maxbytes is not an option/);
    assert.match(got.batch, /^ConfigError: .*options\.batch\.gcdirectory\.maxx is not an option/);
    assert.match(got.noDelay, /^ConfigError: Client\.open: options\.outbox\.baseDelayMs must be a number >= 1/);
    assert.match(got.getterThrows, /^ConfigError: Client\.open: options\.idempotency could not be read \(its getter threw\)/);
    assert.equal(got.fine, "opened");
    assert.equal(got.call, "ValidationError: options.dependOn");
    assert.equal(got.list, "ValidationError: filter.status");
    assert.equal(got.stored, 0);
  } finally {
    await context.close();
  }
});
