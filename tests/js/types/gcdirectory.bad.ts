// Must NOT type-check: each marked line has one mistake the declarations have to catch.
// typecheck.test.mjs checks that tsc reports an error on exactly the marked lines.
import { Client } from "graphql-outbox";

async function main(): Promise<void> {
  const client = await Client.open({ endpoints: {}, user: "u" });
  await client.gcdirectory.modifyApproval({ id: "1", data: { status: "Maybe" } }); // ERROR: unknown enum value
  await client.gcdirectory.modifyProfile({ gcId: "2", data: { name: 42 } }); // ERROR: wrong field type
  await client.gcdirectory.modifyProfile({ data: { name: "x" } }); // ERROR: missing required argument
  await client.gcdirectory.createOrgTier({ nameEn: "a", nameFr: "b", organization: { id: "1" }, owner: {}, colour: "red" }); // ERROR: unknown field
  const r = await client.gcdirectory.deleteOrgTier({ id: "1" });
  if (r.status === "sent") {
    const s: string = r.data; // ERROR: result is boolean
    console.log(s);
  }
  await client.gcdirectory.modifyOrgTier({ id: "1", data: { nameEn: "x" } }).then((x) => x.data); // ERROR: data only exists when sent
  await client.gcdirectory.noSuchMutation({}); // ERROR: no such function
}

void main();
