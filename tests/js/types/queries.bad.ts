// Mistakes a query consumer must not get past the compiler.
import { Client, isOutboxError } from "graphql-outbox";

async function main(client: Client): Promise<void> {
  await client.worksome.query.viewer({}); // ERROR: the worker is required
  await client.worksome.query.viewer({ worker: true }); // ERROR: an ID is a string or number
  await client.worksome.query.hire({ id: "1" }, { policy: "cache-and-network" }); // ERROR: unknown policy
  const p = await client.gcdirectory.query.profile({ gcId: "2" });
  console.log(p.data.profile?.nickname); // ERROR: not selected
  const source: "network" = p.source; // ERROR: it may come from the cache
  await client.worksome.query.timesheet({ id: "1", page: 2 }); // ERROR: no such variable
  await client.worksome.query.nothing({}); // ERROR: no such query
  try {
    await client.gcdirectory.query.orgTier({ id: "1" });
  } catch (e) {
    if (isOutboxError(e, "CacheMissError")) console.log(e.details.status); // ERROR: CacheMissError has only operation
  }
  console.log(source);
}

void main;
