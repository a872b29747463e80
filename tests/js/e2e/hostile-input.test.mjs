// Issue 7: every exported function settles, for any JS value in any argument position. Each
// call must resolve, return, or reject/throw an error with a documented `name` within 1 s, and
// the module must keep working afterwards (a Rust panic is a trap: every later promise would
// stay pending). Offline (context.setOffline), so nothing needs the network, except the token
// tests, which need a send and use the reference server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startAll, openPage, ROOT } from "./harness.mjs";

let env;
let context;
let page;
const pageErrors = [];
before(async () => {
  env = await startAll();
  context = await env.browser.newContext();
  page = await openPage(context, env.url);
  page.on("pageerror", (e) => pageErrors.push(e.message));
});
after(async () => {
  await context?.close();
  await env?.stop();
});

/** The mutations tests/data/mutations.tsv lists, by API. */
function listedMutations() {
  const rows = readFileSync(join(ROOT, "tests", "data", "mutations.tsv"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
  const byApi = {};
  for (const [api, name] of rows.map((l) => l.split("\t"))) (byApi[api] ??= []).push(name);
  return byApi;
}

/** A normal call after the hostile ones: it still answers (offline, so `queued`). */
async function stillWorks(database) {
  const r = await page.evaluate(async (database) => {
    await openClient({ database, worksome: true });
    return settleWithin(() => client.gcdirectory.modifyProfile({ gcId: "1", data: { titleEn: "Still alive" } }));
  }, database);
  assert.deepEqual(r, { resolved: "queued" }, "a normal call after the hostile ones");
  assert.deepEqual(pageErrors.filter((m) => /unreachable|RuntimeError|panicked/.test(m)), [], "the module trapped");
}

test("the reported inputs reject ValidationError naming the field", { timeout: 60_000 }, async () => {
  await context.setOffline(true);
  const results = await page.evaluate(async () => {
    await openClient({ database: "hostile-reported", worksome: true });
    const g = client.gcdirectory;
    const w = client.worksome;
    return Promise.all([
      settleWithin(() => g.modifyProfile({ gcId: "1", data: { address: { postalCode: "1234é6789" } } })),
      settleWithin(() => w.updateJob({ id: "1", sourcingEndDate: "2026-11-02é8:30:00Z" })),
      settleWithin(() => w.updateTimesheetRegistration({ id: "r1", startTime: "0é:30" })),
      settleWithin(() => g.modifyProfile(() => ({ gcId: "1" }))),
    ]);
  });
  const paths = ["data.address.postalCode", "input.sourcingEndDate", "input.startTime", "(arguments)"];
  results.forEach((r, i) => {
    assert.equal(r.rejected?.name, "ValidationError", `${paths[i]}: ${JSON.stringify(r)}`);
    assert.equal(r.rejected.details.path, paths[i]);
  });
  await stillWorks("hostile-reported");
});

test("all 85 mutations settle within 1 s on every hostile value, as arguments and as options", { timeout: 300_000 }, async () => {
  await context.setOffline(true);
  const report = await page.evaluate(async () => {
    await openClient({ database: "hostile-mutations", worksome: true });
    const out = { names: {}, calls: 0, failures: [] };
    for (const api of ["gcdirectory", "worksome"]) {
      const obj = client[api];
      const proto = Object.getPrototypeOf(obj);
      // By descriptor: reading a getter (`query`) on the bare prototype would call it without an object.
      const names = Object.getOwnPropertyNames(proto)
        .filter((n) => typeof Object.getOwnPropertyDescriptor(proto, n).value === "function" && !["constructor", "free", "uploadFile"].includes(n) && !n.startsWith("__"));
      out.names[api] = names;
      for (const name of names) {
        for (const [label, value, neverValid] of hostileValues()) {
          const r = await settleWithin(() => obj[name](value));
          out.calls += 1;
          // Never valid: ValidationError. Otherwise it may be valid for this mutation: queued.
          if (!(r.rejected?.name === "ValidationError" || (!neverValid && r.resolved === "queued"))) {
            out.failures.push({ api, name, label, r });
            if (r.timeout) return out; // trapped: every later call would time out too
          }
        }
      }
    }
    // The optional last argument, after valid arguments.
    const valid = [
      ["gcdirectory", "modifyProfile", { gcId: "1", data: { titleEn: "x" } }],
      ["worksome", "updateTimesheetRegistration", { id: "r1", startTime: "23:59", duration: 1 }],
    ];
    for (const [api, name, args] of valid) {
      for (const [label, value, neverValid] of hostileValues()) {
        const r = await settleWithin(() => client[api][name](args, value));
        out.calls += 1;
        if (!(r.rejected?.name === "ValidationError" || (!neverValid && r.resolved === "queued"))) {
          out.failures.push({ api, name, label: `options = ${label}`, r });
          if (r.timeout) return out;
        }
      }
    }
    return out;
  });
  assert.deepEqual(report.failures, []);
  const listed = listedMutations();
  for (const api of ["gcdirectory", "worksome"]) assert.deepEqual([...report.names[api]].sort(), [...listed[api]].sort(), api);
  assert.equal(report.names.gcdirectory.length + report.names.worksome.length, 85);
  await stillWorks("hostile-mutations");
});

test("every query settles within 1 s on every hostile value, as variables and as options", { timeout: 300_000 }, async () => {
  await context.setOffline(true);
  const report = await page.evaluate(async () => {
    await openClient({ database: "hostile-queries", worksome: true });
    const out = { names: {}, calls: 0, failures: [] };
    // Offline, a call whose variables and options are valid reaches fetch, gets no answer and
    // falls back to the empty cache: CacheMissError.
    const valid = { gcdirectory: { profile: { gcId: "1" }, orgTier: { id: "1" }, approval: { id: "1" } },
      worksome: { viewer: { worker: "3" }, hire: { id: "110" }, timesheet: { id: "1" }, timesheets: {} } };
    const ok = (r, neverValid) => r.rejected?.name === "ValidationError" || (!neverValid && r.rejected?.name === "CacheMissError");
    for (const api of ["gcdirectory", "worksome"]) {
      const obj = client[api].query;
      const proto = Object.getPrototypeOf(obj);
      const names = Object.getOwnPropertyNames(proto)
        .filter((n) => typeof Object.getOwnPropertyDescriptor(proto, n).value === "function" && !["constructor", "free"].includes(n) && !n.startsWith("__"));
      out.names[api] = names;
      for (const name of names) {
        for (const [label, value, neverValid] of hostileValues()) {
          for (const [position, call] of [["variables", () => obj[name](value)], ["options", () => obj[name](valid[api][name], value)]]) {
            const r = await settleWithin(call);
            out.calls += 1;
            if (!ok(r, neverValid)) {
              out.failures.push({ api, name, label: `${position} = ${label}`, r });
              if (r.timeout) return out; // trapped: every later call would time out too
            }
          }
        }
      }
      // A valid call: offline, network-only rejects NetworkError; cache-only misses.
      const name = names[0];
      const offline = await settleWithin(() => obj[name](valid[api][name], { policy: "network-only" }));
      if (offline.rejected?.name !== "NetworkError") out.failures.push({ api, name, label: "valid, offline", r: offline });
      // watch is synchronous: for any hostile variables, callback or options it throws a named
      // error or returns the function that stops it (valid ones are stopped at once).
      const watches = client[api].watch;
      for (const wname of names) {
        for (const [label, value] of hostileValues()) {
          for (const [position, call] of [
            ["variables", () => watches[wname](value, () => {}, { onError: () => {} })],
            ["callback", () => watches[wname](valid[api][wname], value)],
            ["options", () => watches[wname](valid[api][wname], () => {}, value)],
          ]) {
            out.calls += 1;
            try {
              const stop = call();
              if (typeof stop !== "function") out.failures.push({ api, name: wname, label: `watch ${position} = ${label}`, r: { returned: typeof stop } });
              else stop();
            } catch (e) {
              if (!["ValidationError", "ConfigError"].includes(e?.name)) out.failures.push({ api, name: wname, label: `watch ${position} = ${label}`, r: { threw: String(e?.name ?? e) } });
            }
          }
        }
      }
      const miss = await settleWithin(() => obj[name](valid[api][name], { policy: "cache-only" }));
      if (miss.rejected?.name !== "CacheMissError" || miss.rejected.details.operation !== name) out.failures.push({ api, name, label: "cache-only", r: miss });
    }
    return out;
  });
  assert.deepEqual(report.failures, []);
  assert.deepEqual([...report.names.gcdirectory].sort(), ["approval", "orgTier", "profile"]);
  assert.deepEqual([...report.names.worksome].sort(), ["hire", "timesheet", "timesheets", "viewer"]);
  assert.ok(report.calls > 300, `${report.calls} calls`);
  await stillWorks("hostile-queries");
});

test("every other export settles within 1 s with a documented error name", { timeout: 300_000 }, async () => {
  await context.setOffline(true);
  const report = await page.evaluate(async () => {
    const failures = [];
    let calls = 0;
    const check = async (what, label, f, allowed, ms = 1000) => {
      const r = await settleWithin(f, ms);
      calls += 1;
      const name = r.threw?.name ?? r.rejected?.name;
      const ok = name ? allowed.errors.includes(name) : !r.timeout && (allowed.ok ?? true);
      if (!ok) failures.push({ what, label, r });
      return r;
    };
    await openClient({ database: "hostile-exports", worksome: true });
    const c = client;
    const arg = { errors: ["ValidationError"] };
    const lookup = { errors: ["ValidationError", "NotFoundError"] };
    for (const [label, v] of hostileValues()) {
      // Client.open: the options object, and each option.
      const opened = [];
      const open = (o) => sdk.Client.open(o).then((client) => { opened.push(client); return client; });
      // StorageError: IndexedDB may refuse a database name (a 10 MB one).
      const config = { errors: ["ConfigError", "StorageError"] };
      await check("Client.open(v)", label, () => open(v), { errors: ["ConfigError"], ok: false });
      for (const key of ["endpoints", "user", "token", "database", "outbox", "idempotency", "requestTimeoutMs", "tokenTimeoutMs"]) {
        const o = { endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` }, user: "hostile", database: "hostile-open" };
        o[key] = v;
        await check(`Client.open({ ${key}: v })`, label, () => open(o), config);
      }
      await check("Client.open({ endpoints: { gcdirectory: v } })", label,
        () => open({ endpoints: { gcdirectory: v }, user: "hostile" }), config);
      opened.forEach((o) => o.close());
      // The client.
      await check("sync(v)", label, () => c.sync(v), { errors: [] });
      // No value here has a string `tag`; as the tag, a string is just another tag (false).
      await check("syncEvent(v)", label, () => c.syncEvent(v), { errors: ["ValidationError"], ok: false });
      await check("syncEvent({ tag: v })", label, () => c.syncEvent({ tag: v }), arg);
      await check("setToken(v)", label, () => c.setToken(v), arg);
      await check("setToken(null, v)", label, () => c.setToken(null, v), arg);
      // The outbox.
      const unsubscribe = await check("outbox.subscribe(v)", label, () => c.outbox.subscribe(v), arg);
      if (unsubscribe.returned === "function") {
        // Unsubscribing works, and twice (a React effect's cleanup run twice) is harmless: it
        // threw wasm-bindgen's "closure invoked ... after being dropped" before round s27.
        const off = c.outbox.subscribe(() => {});
        off();
        off();
      }
      await check("outbox.list(v)", label, () => c.outbox.list(v), arg);
      await check("outbox.list({ state: v })", label, () => c.outbox.list({ state: v }), arg);
      await check("outbox.retry(v)", label, () => c.outbox.retry(v), lookup);
      await check("outbox.discard(v)", label, () => c.outbox.discard(v), lookup);
      await check("outbox.settled(v)", label, () => c.outbox.settled(v), { errors: ["ValidationError", "NotFoundError"], ok: false });
      await check("outbox.stats(v)", label, () => c.outbox.stats(v), { errors: [] });
      await check("outbox.purge(v)", label, () => c.outbox.purge(v), arg);
      await check("outbox.after(v, f)", label, () => c.outbox.after(v, () => Promise.resolve(1)), arg);
      await check("outbox.after([], v)", label, () => c.outbox.after([], v), arg);
      await check("outbox.after([v], f)", label, () => c.outbox.after([v], () => Promise.resolve(1)), arg);
      // uploadFile: offline, a valid call rejects NetworkError (it needs a connection).
      const upload = { errors: ["ValidationError", "NetworkError"] };
      await check("uploadFile(v, options)", label, () => c.worksome.uploadFile(v, { owner: "1", name: "a.txt" }), { errors: ["ValidationError"], ok: false });
      await check("uploadFile(blob, v)", label, () => c.worksome.uploadFile(new Blob(["x"]), v), upload);
      // Valid with a string: the entry then holds 20 MB, which IndexedDB takes a while to store.
      const storing = label === "a 10 MB string" ? 10_000 : 1000;
      await check("uploadFile(blob, { owner: v, name: v })", label, () => c.worksome.uploadFile(new Blob(["x"]), { owner: v, name: v }), upload, storing);
      if (failures.some((f) => f.r.timeout)) break; // trapped: every later call would time out too
    }
    await check("close(v)", "42", () => c.close(42), { errors: [] });
    return { calls, failures };
  });
  assert.deepEqual(report.failures, []);
  assert.ok(report.calls > 500, `${report.calls} calls`);
  await stillWorks("hostile-exports");
});

test("a token callback that answers anything but a token rejects AuthError, then a token sends", { timeout: 120_000 }, async () => {
  await context.setOffline(false);
  const report = await page.evaluate(async () => {
    const answers = [
      ["a function", () => () => "gc-admin-token"],
      ["a symbol", () => Symbol("t")],
      ["a Proxy whose traps throw", () => hostileValues().find(([l]) => l === "a Proxy whose traps throw")[1]],
      ["a thenable whose then throws", () => ({ then() { throw new Error("then threw"); } })],
      ["a promise of a function", async () => () => 1],
      ["a throw of a function", () => { throw () => 1; }],
      ["a throw of a revoked Proxy", () => { throw hostileValues().find(([l]) => l === "a revoked Proxy")[1]; }],
      // Bounded: the drain lock is held while the callback runs. AuthError after 10 s, or 20 s
      // when the open's pass reads the new entry first and the call's pass asks again.
      ["a promise that never settles", () => new Promise(() => {})],
      // Strings `Headers.set` refuses: thrown out of the request builder, they once left the
      // drain's Web Lock held, and every later call of the user hung.
      ["a token with a character above U+00FF", () => "tok\u20acn"],
      ["a token with a line break", async () => "gc-admin\r\nX-Injected: 1"],
    ];
    const out = [];
    for (const [label, token] of answers) {
      const c = await sdk.Client.open({
        endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` }, user: "hostile-token", database: "hostile-token", token,
      });
      const r = await settleWithin(() => c.gcdirectory.modifyProfile({ gcId: "1", data: { titleEn: `Token ${label}` } }), 25_000);
      let after = null;
      const id = r.rejected?.details?.id;
      if (id) {
        c.setToken("gc-admin-token");
        // A pass may be asking the callback again (up to 10 s) when the token comes.
        after = await settleWithin(() => c.outbox.settled(id), 25_000);
      }
      c.close();
      out.push({ label, r, after });
    }
    return out;
  });
  for (const { label, r, after } of report) {
    assert.equal(r.rejected?.name, "AuthError", `${label}: ${JSON.stringify(r)}`);
    if (label.startsWith("a token with")) assert.match(r.rejected.message, /cannot be sent in an HTTP header/, label);
    assert.deepEqual(after, { resolved: "sent" }, `${label}: after setToken`);
  }
  await context.setOffline(true);
  await stillWorks("hostile-token-after");
});

test("setToken refuses a token that cannot be sent in an HTTP header, without echoing it", { timeout: 30_000 }, async () => {
  const r = await page.evaluate(async () => {
    const c = await sdk.Client.open({ endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` }, user: "header-token", database: "header-token" });
    const out = [];
    for (const t of ["secret\u20ac", "secret\nX: 1", "secret\u0000"]) {
      try { c.setToken(t); out.push("accepted"); } catch (e) { out.push({ name: e.name, message: e.message }); }
    }
    // A token given as a number (not a string): refused, and not quoted either (round s27).
    let numeric;
    try { c.setToken(987654321); numeric = "accepted"; } catch (e) { numeric = { name: e.name, message: e.message }; }
    c.setToken("gc-admin-token");
    c.close();
    return { out, numeric };
  });
  for (const e of r.out) {
    assert.equal(e.name, "ValidationError", JSON.stringify(e));
    assert.match(e.message, /cannot be sent in an HTTP header/);
    assert.doesNotMatch(e.message, /secret/, "the token is not in the message");
  }
  assert.equal(r.numeric.name, "ValidationError", JSON.stringify(r.numeric));
  assert.match(r.numeric.message, /expected a string or null, got a number/);
  assert.doesNotMatch(r.numeric.message, /987654321/, "the token is not in the message");
});

test("a server's huge Retry-After parks the entry without spinning the backoff timer", { timeout: 60_000 }, async () => {
  await context.setOffline(false);
  // Only this test calls modifyOrgTier: earlier tests' clients, still open in this page, drain
  // their own entries when the page goes online, and must not take the fault.
  await env.server.addFaults({ operation: "modifyOrgTier", status: 503, retryAfter: "18446744073709551", times: 1 });
  try {
    const report = await page.evaluate(async () => {
      // The SDK calls the global setTimeout; record the delays it asks for.
      const delays = [];
      const original = window.setTimeout;
      window.setTimeout = (f, ms, ...rest) => { delays.push(ms); return original(f, ms, ...rest); };
      try {
        await openClient({ database: "hostile-retry-after" });
        const r = await settleWithin(() => client.gcdirectory.modifyOrgTier({ id: "1", data: { descriptionEn: "Later" } }), 5000);
        await new Promise((res) => original(res, 1000));
        const [entry] = await client.outbox.list();
        // Longer than a minute: the backoff timer (not the token's or settleWithin's).
        return { r, state: entry?.state, delays: delays.filter((d) => d > 60_000) };
      } finally {
        window.setTimeout = original;
      }
    });
    assert.deepEqual(report.r, { resolved: "queued" });
    assert.equal(report.state, "retrying");
    // One timer, of the longest delay setTimeout honours (a longer one fires at once, again and again).
    assert.ok(report.delays.length >= 1 && report.delays.length <= 3, JSON.stringify(report.delays));
    assert.ok(report.delays.every((d) => d <= 2 ** 31 - 1), JSON.stringify(report.delays));
  } finally {
    await env.server.clearFaults();
    await context.setOffline(true);
  }
  await stillWorks("hostile-retry-after-after");
});

test("subscribers and the token callback may call back into the client synchronously", { timeout: 60_000 }, async () => {
  await context.setOffline(false);
  const report = await page.evaluate(async () => {
    const threw = [];
    const seen = new Set();
    let c;
    // Every kind of call, from inside a callback the SDK is running (once per place).
    const reenter = (where) => {
      if (seen.has(where)) return;
      seen.add(where);
      try {
        c.sync();
        c.setToken("ws-company-token", "worksome"); // (for the other API: the callback stays in use)
        c.outbox.list();
        c.outbox.stats();
        c.outbox.subscribe(() => {})();
        c.outbox.retry("no-such-id").catch(() => {});
        c.gcdirectory.modifyProfile({ gcId: "2", data: { titleEn: `From ${where}` } }).catch(() => {});
      } catch (e) {
        threw.push(`${where}: ${e.name}: ${e.message}`);
      }
    };
    c = await sdk.Client.open({
      endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` }, user: "hostile-reenter", database: "hostile-reenter",
      token: () => { reenter("token"); return "gc-admin-token"; },
    });
    c.outbox.subscribe((e) => reenter(`event ${e.type}`));
    const first = await settleWithin(() => c.gcdirectory.modifyProfile({ gcId: "1", data: { titleEn: "Reentered" } }), 5000);
    const second = await settleWithin(() => c.gcdirectory.modifyProfile({ gcId: "1", data: { titleEn: "Again" } }), 5000);
    await settleWithin(() => c.sync(), 5000);
    const states = (await c.outbox.list()).map((e) => e.state);
    c.close();
    return { threw, first, second, states, places: [...seen] };
  });
  assert.deepEqual(report.threw, []);
  assert.deepEqual([report.first, report.second], [{ resolved: "sent" }, { resolved: "sent" }]);
  assert.ok(report.places.includes("token") && report.places.includes("event sent"), JSON.stringify(report.places));
  assert.ok(report.states.every((s) => s === "sent"), JSON.stringify(report.states));
  await context.setOffline(true);
  await stillWorks("hostile-reenter-after");
});
