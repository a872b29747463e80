// Must NOT type-check: each line marked ERROR is a mistake the declarations of createQueryStore
// and useQuery must catch; every other line is correct.
import { createElement as h } from "react";
import { Client, createQueryStore } from "graphql-outbox";
import { useQuery } from "graphql-outbox/react";

declare const client: Client;

createQueryStore(client, "gcdirectory", "profile", { gcId: "1" }); // fine
createQueryStore(client, "outbox", "stats", {}); // ERROR: the outbox has no queries
createQueryStore(client, "gcdirectory", "timesheet", { id: 1 }); // ERROR: a Worksome query
createQueryStore(client, "gcdirectory", "free", {}); // ERROR: not a query
createQueryStore(client, "gcdirectory", "modifyProfile", { gcId: "1" }); // ERROR: a mutation
createQueryStore(client, "gcdirectory", "profile", { id: "1" }); // ERROR: profile takes gcId
createQueryStore(client, "gcdirectory", "profile"); // ERROR: variables are required
createQueryStore(client, "gcdirectory", "profile", { gcId: "1" }, { policy: "cache-last" }); // ERROR: no such policy
const store = createQueryStore(client, "gcdirectory", "profile", { gcId: "1" });
store.subscribe((s: number) => console.log(s)); // ERROR: listeners get no argument
const s = store.getSnapshot();
console.log(s.result.data); // ERROR: no result until ready
if (s.status === "ready") {
  console.log(s.result.data.profile?.gcId);
  console.log(s.result.data.profile?.title); // ERROR: the query selects titleEn, not title
  s.result = s.result; // ERROR: the snapshot is read-only
}
if (s.status === "done") console.log(s); // ERROR: no such status

function Bad() {
  const q = useQuery("worksome", "timesheet", { id: 1 });
  const t = useQuery("worksome", "timesheet", { id: true }); // ERROR: id is an ID
  const p = useQuery("worksome", "profile", { gcId: "1" }); // ERROR: a GC Directory query
  const name: string = q.status === "ready" ? q.result.data.timesheet?.id : ""; // ERROR: may be undefined
  return h("p", null, name, String(t), String(p));
}
console.log(Bad);
