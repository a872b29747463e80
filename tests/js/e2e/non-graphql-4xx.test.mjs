// A 4xx whose body is not a GraphQL answer makes the entry dead with errors[0].message a string
// ("HTTP <status>: <what the body says>"), wherever the app reads it: the call's GraphQLError,
// the dead entry in outbox.list(), settled(id). It used to carry the body's `error` object there.
// Against the reference server in test mode: an injected 400 (its JSON error body) and a POST to
// a route it does not have (404, JSON); and an HTML 404 page as a proxy would answer it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

/** Calls modifyProfile on a client whose GC endpoint is `endpoint`; returns what the app can read. */
async function refused(page, database, endpoint) {
  await page.evaluate(({ database, endpoint }) =>
    openClient({ database, extra: endpoint ? { endpoints: { gcdirectory: endpoint } } : {} }), { database, endpoint });
  const call = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "Refused" } }));
  assert.equal(call.error?.name, "GraphQLError", JSON.stringify(call));
  const id = call.error.details.id;
  const [entry] = await page.evaluate(() => window.client.outbox.list({ state: "dead" }));
  const [settled] = await page.evaluate((id) => settleAll([id]), id);
  await page.evaluate(() => window.client.close());
  assert.equal(entry.id, id);
  assert.equal(settled.status, "dead");
  return { call: call.error.details, entry: entry.lastError, settled };
}

/** Every place holds the same errors, each message a string; returns the first error. */
function sameEverywhere(r, status) {
  for (const errors of [r.call.errors, r.entry.errors, r.settled.errors, r.settled.error?.errors]) {
    assert.deepEqual(errors, r.call.errors, JSON.stringify(r));
    for (const e of errors) assert.equal(typeof e.message, "string", JSON.stringify(r));
  }
  assert.equal(r.call.status, status);
  assert.equal(r.entry.status, status);
  assert.equal(r.entry.kind, "graphql");
  assert.equal(r.entry.message, r.call.errors[0].message, "the entry's message is the first error's");
  return r.call.errors[0];
}

test("an injected 400 with the server's JSON error body: a string message and its code", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await env.server.addFaults({ api: "gcdirectory", operation: "modifyProfile", status: 400 });
    const first = sameEverywhere(await refused(page, "http-400"), 400);
    assert.deepEqual(first, { message: "HTTP 400: injected fault", extensions: { code: "INJECTED_FAULT" } });
    assert.deepEqual(await env.server.applied(), [], "nothing applied");
  } finally {
    await env.server.clearFaults();
    await context.close();
  }
});

test("a route the server does not have (404): a string message", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    const first = sameEverywhere(await refused(page, "http-404", `${env.url}/graphql/nosuchapi`), 404);
    assert.deepEqual(first, { message: "HTTP 404: no such route", extensions: { code: "NOT_FOUND" } });
  } finally {
    await context.close();
  }
});

test("an HTML error page (a proxy's 404): its first 200 characters", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    const endpoint = `${env.url}/behind-a-proxy/graphql`;
    const html = `<!DOCTYPE html>\n<html>\n<head><title>404 Not Found</title></head>\n<body>\n<h1>Not Found</h1>\n<p>${"The requested URL was not found on this server. ".repeat(8)}</p>\n</body>\n</html>\n`;
    await page.route(endpoint, (route) => route.fulfill({ status: 404, contentType: "text/html", body: html }));
    const first = sameEverywhere(await refused(page, "http-html", endpoint), 404);
    assert.match(first.message, /^HTTP 404: <!DOCTYPE html> <html> <head><title>404 Not Found<\/title><\/head> <body> <h1>Not Found<\/h1>/);
    assert.equal([...first.message].length, "HTTP 404: ".length + 200 + 1, first.message);
    assert.ok(first.message.endsWith("…"));
    assert.equal(first.extensions, undefined);
  } finally {
    await context.close();
  }
});
