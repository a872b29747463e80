// What the profiling scripts (cache-profile.mjs, drain-profile.mjs) share: DevTools CPU profiles
// of the page read sample by sample, and the tables they print.

/** A DevTools session on `page` with the CPU profiler enabled, sampling every `intervalUs` µs. */
export async function profiler(context, page, intervalUs) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: intervalUs });
  return cdp;
}

/**
 * Calls `visit(sample)` for each sample of a `Profiler.stop` profile, in order, with
 * `{ ms, name, stack, at }`: the time it stands for (the interval to the next sample), its
 * function ("name file"), the set of every function on its stack (itself included), and its
 * time in µs on the profiler's clock.
 */
export function eachSample(profile, visit) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nameOf = (n) => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").pop()}`.trim();
  const dt = profile.timeDeltas;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += dt[i] ?? 0;
    const stack = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) stack.add(nameOf(byId.get(n)));
    visit({ ms: (dt[i + 1] ?? 0) / 1000, name: nameOf(byId.get(id)), stack, at });
  });
}

/** Self time (`self`: the sampled function) and total time (`total`: each function on the stack, once per sample). */
export function count(self, total, { ms, name, stack }) {
  self.set(name, (self.get(name) ?? 0) + ms);
  for (const n of stack) total.set(n, (total.get(n) ?? 0) + ms);
}

/** A wasm or JS function name without its hash, at most 150 characters. */
export const short = (name) => name.replace(/::h[0-9a-f]{16}/, "").replace(/<?dlmalloc\[[0-9a-f]+\]::/g, "").slice(0, 150);

/** Prints the `n` largest of `times` (name → ms over `runs` runs) as ms per run, skipping names `skip` matches (null: none). */
export function printTop(times, runs, n, skip = /^\((root|idle|program)\)/) {
  for (const [name, ms] of [...times].filter(([k]) => !skip?.test(k)).sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${(ms / runs).toFixed(2).padStart(8)}  ${short(name)}`);
  }
}
