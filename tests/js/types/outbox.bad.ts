// Each line marked ERROR must be a type error; nothing else may be.
import { Client } from "graphql-outbox";

async function main(client: Client): Promise<void> {
  await client.outbox.list({ state: "pending" }); // ERROR: not a state
  client.outbox.subscribe((e) => e.type === "failed"); // ERROR: no such event type
  client.setToken("t", "github"); // ERROR: not an API
  const o = await client.outbox.settled("x");
  if (o.status === "discarded") console.log(o.data); // ERROR: a discarded outcome has no data
  await client.outbox.retry(42); // ERROR: ids are strings
  await Client.open({ endpoints: {}, user: "u", outbox: { baseDelayMs: "1s" } }); // ERROR: ms are numbers
  await client.gcdirectory.deleteOrgTier({ id: "1" }, { dependsOn: "x" }); // ERROR: dependsOn is a list of ids
  await client.syncEvent({ lastChance: true }); // ERROR: a sync event has a tag
}

export { main };
