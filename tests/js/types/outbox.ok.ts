// Must type-check under `tsc --strict`: the outbox API used the way the README shows, with
// events, entries and outcomes narrowed through their precise types (no `any`).
import init, { CallOptions, Client, OutboxEvent, OutboxEntry, SettledOutcome, EntryState, ErrorCode } from "graphql-outbox";

async function main(): Promise<void> {
  await init();
  const client = await Client.open({
    endpoints: { gcdirectory: "https://profiles.example/graphql" },
    token: async () => "token",
    user: "account-42",
    database: "timesheets",
    outbox: { baseDelayMs: 500, maxDelayMs: 30_000, maxHttpAttempts: 5 },
  });

  const unsubscribe: () => void = client.outbox.subscribe((e: OutboxEvent) => {
    if (e.type === "retrying" && e.nextAttemptAt !== undefined) console.log(e.id, e.operation, e.attempts, new Date(e.nextAttemptAt));
    if (e.type === "paused") console.log(e.reason);
    if (e.type === "dead" && e.error) console.log(e.error.kind, e.error.errors?.[0]?.extensions?.code);
  });
  unsubscribe();

  const r = await client.gcdirectory.modifyApproval({ id: "23", data: { status: "Approved" } });
  const id: string = r.id;
  const after = await client.outbox.after([id], () => client.gcdirectory.deleteOrgTier({ id: "7" }));
  if (after.status === "sent") {
    const deleted: boolean = after.data;
    console.log(deleted);
  }
  const dependent = await client.gcdirectory.deleteOrgTier({ id: "8" }, { dependsOn: [id] });
  const opts: CallOptions = { dependsOn: [dependent.id] };
  await client.gcdirectory.modifyApproval({ id: "24", data: { status: "Pending" } }, opts);

  const all: OutboxEntry[] = await client.outbox.list();
  const dead: OutboxEntry[] = await client.outbox.list({ state: "dead" });
  for (const e of [...all, ...dead]) {
    const state: EntryState = e.state;
    const code = e.lastError?.errors?.[0]?.extensions?.code;
    console.log(e.seq, e.createdAt, state, e.dependsOn.length, code);
  }
  await client.outbox.retry(id);
  await client.outbox.discard(id);
  const outcome: SettledOutcome = await client.outbox.settled(id);
  switch (outcome.status) {
    case "sent": console.log(outcome.data); break;
    case "dead": console.log(outcome.errors.map((e) => e.message)); break;
    case "discarded": console.log(outcome.id); break;
  }
  const stats = await client.outbox.stats();
  const queued: number = stats.byState.queued + stats.byState.retrying;
  const age: number | null = stats.oldestAgeMs;
  console.log(queued, age, stats.bytes, stats.quarantined, stats.total);
  const purged: number = await client.outbox.purge("someone-else");
  console.log(purged);
  await client.sync();
  // A service worker's `sync` event (not in TypeScript's libs: any `{ tag, lastChance? }` fits).
  const event = { tag: "graphql-outbox:account-42", lastChance: false, waitUntil(p: Promise<unknown>): void { void p; } };
  const handled: boolean = await client.syncEvent(event);
  console.log(handled);
  client.setToken("fresh");
  client.setToken(null, "gcdirectory");
  const codes: ErrorCode[] = ["StorageError", "NotFoundError", "AuthError"];
  console.log(codes);
  client.close();
}

main();
