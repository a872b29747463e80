// README "Worksome file uploads in one call": a failure of the last step rejects with the usual
// code and `details.step: "markFilesAsUploaded"` (issue 7). The fault is injected on that
// operation only, so the first two steps (uploadFiles, PUT of the bytes) really happen.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

/** Uploads a small text file as the fixtures' company (owner account 1); a rejection comes back as `{ error }`. */
const upload = (page, name) => page.evaluate(async (n) => {
  try {
    const file = new File(["timesheet scan"], n, { type: "text/plain" });
    return { file: await window.client.worksome.uploadFile(file, { owner: "1" }) };
  } catch (e) {
    return { error: { name: e.name, message: e.message, details: e.details } };
  }
}, name);

async function fresh(database) {
  await env.server.clearFaults();
  const context = await env.browser.newContext();
  const page = await openPage(context, env.url);
  assert.ok(await page.evaluate(() => hasWorksome()), "the package must have client.worksome");
  const seen = [];
  page.on("request", (r) => {
    if (r.method() === "PUT") seen.push("PUT");
    else if (r.method() === "POST" && r.url().endsWith("/graphql/worksome")) seen.push(JSON.parse(r.postData()).query.match(/\b(uploadFiles|markFilesAsUploaded)\b/)?.[1]);
  });
  await page.evaluate((d) => openClient({ database: d, worksome: true }), database);
  return { context, page, seen };
}

test("uploadFile: markFilesAsUploaded refused (HTTP 400) rejects GraphQLError with details.step", { timeout: 60_000 }, async () => {
  const { context, page, seen } = await fresh("claims-upload-400");
  try {
    await env.server.addFaults({ api: "worksome", operation: "markFilesAsUploaded", status: 400, times: 1 });
    const r = await upload(page, "refused.txt");
    assert.ok(r.error, `the upload must reject: ${JSON.stringify(r)}`);
    assert.equal(r.error.name, "GraphQLError", JSON.stringify(r));
    assert.equal(r.error.details?.step, "markFilesAsUploaded", JSON.stringify(r));
    assert.match(r.error.message, /markFilesAsUploaded/);
    assert.deepEqual(seen, ["uploadFiles", "PUT", "markFilesAsUploaded"], "the first two steps ran, the third was the one refused");
    // The fault, not the SDK or the server's state, made it fail: the same upload now succeeds.
    const ok = await upload(page, "accepted.txt");
    assert.equal(ok.file?.name, "accepted.txt", JSON.stringify(ok));
  } finally {
    await context.close();
  }
});

test("uploadFile: markFilesAsUploaded answered 503 rejects NetworkError with details.step, its entry discarded", { timeout: 60_000 }, async () => {
  const { context, page, seen } = await fresh("claims-upload-503");
  try {
    await env.server.addFaults({ api: "worksome", operation: "markFilesAsUploaded", status: 503, times: 1 });
    const r = await upload(page, "later.txt");
    assert.equal(r.error?.name, "NetworkError", JSON.stringify(r));
    assert.equal(r.error.details?.step, "markFilesAsUploaded", JSON.stringify(r));
    assert.deepEqual(seen, ["uploadFiles", "PUT", "markFilesAsUploaded"]);
    const mark = await page.evaluate(() => window.client.outbox.list().then((l) => l.filter((e) => e.operation === "markFilesAsUploaded")));
    assert.deepEqual(mark.map((e) => e.state), ["discarded"], "the queued markFilesAsUploaded must not drain later");
  } finally {
    await context.close();
  }
});
