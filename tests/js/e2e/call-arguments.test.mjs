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
