// Must type-check under `tsc --strict`: a watched query through the framework-neutral store
// (createQueryStore) and through graphql-outbox/react (useQuery), with the variables' and the
// data's types fixed by the API and query names, and the snapshot narrowed by `status`.
import { createElement as h, type ReactElement } from "react";
import {
  Client, createQueryStore, isOutboxError,
  type Gcdirectory, type Worksome, type QueryResult, type QuerySnapshot, type QueryStore,
  type QueryApi, type QueryName, type QueryVariablesOf, type QueryDataOf,
} from "graphql-outbox";
import { OutboxProvider, useQuery } from "graphql-outbox/react";

// The helper types name exactly the generated ones.
const apis: QueryApi[] = ["worksome", "gcdirectory"];
const names: QueryName<"gcdirectory">[] = ["profile", "orgTier", "approval"];
const wnames: QueryName<"worksome">[] = ["viewer", "hire", "timesheet", "timesheets"];
const v: QueryVariablesOf<"worksome", "timesheet"> = { id: 181 } satisfies Worksome.TimesheetQueryVariables;
declare const d: Gcdirectory.ProfileQueryData;
const data: QueryDataOf<"gcdirectory", "profile"> = d;
const back: Gcdirectory.ProfileQueryData = data;
console.log(apis, names, wnames, v, back);

function storeUse(client: Client): void {
  const store: QueryStore<Gcdirectory.ProfileQueryData> = createQueryStore(client, "gcdirectory", "profile", { gcId: "1" }, { policy: "cache-first" });
  const unsubscribe = store.subscribe(() => {
    const s: QuerySnapshot<Gcdirectory.ProfileQueryData> = store.getSnapshot();
    switch (s.status) {
      case "loading": console.log("loading", s.result, s.error); break;
      case "ready": {
        const r: QueryResult<Gcdirectory.ProfileQueryData> = s.result;
        const pending: string[] = r.pending;
        console.log(r.data.profile?.name, r.source, r.fetchedAt, pending.length);
        break;
      }
      case "error":
        if (isOutboxError(s.error, "CacheMissError")) console.log(s.error.details.operation);
        console.log(s.result?.data.profile?.gcId);
        break;
    }
  });
  unsubscribe();
  store.destroy();
  // Worksome: all-optional variables are still an object; the data is the query's own.
  const all = createQueryStore(client, "worksome", "timesheets", {});
  const snap = all.getSnapshot();
  if (snap.status === "ready") console.log(snap.result.data.timesheets.paginatorInfo.total);
}

function Profile({ gcId }: { gcId: string }): ReactElement {
  const q = useQuery("gcdirectory", "profile", { gcId });
  if (q.status === "loading") return h("p", null, "loading");
  if (q.status === "error") return h("p", null, String(q.error));
  const p = q.result.data.profile;
  return h("p", null, p ? `${p.name} ${p.team?.nameEn ?? ""}` : "none", q.result.pending.length ? " (saving)" : "");
}

function Timesheet({ id }: { id: number }): ReactElement {
  const q = useQuery("worksome", "timesheet", { id }, { policy: "network-first" });
  const hours = q.status === "ready" ? (q.result.data.timesheet?.registrations.data ?? []).map((r) => r.duration) : [];
  const total: number = hours.reduce((a, b) => a + b, 0);
  return h("p", null, String(total));
}

declare const client: Client;
console.log(h(OutboxProvider, { client }, h(Profile, { gcId: "1" }), h(Timesheet, { id: 181 })));
storeUse(client);
