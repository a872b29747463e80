// Queries: `client.<api>.query.<name>(variables, { policy })` resolves a QueryResult whose `data`
// has exactly the fields the document selects.
import { Client, isOutboxError, type QueryResult, type QueryOptions, Worksome, Gcdirectory } from "graphql-outbox";

async function main(client: Client): Promise<void> {
  const v: QueryResult<Worksome.ViewerQueryData> = await client.worksome.query.viewer({ worker: "3" }, { policy: "network-first" });
  const source: "network" | "cache" = v.source;
  const at: number = v.fetchedAt;
  const pending: string[] = v.pending;
  const hires = v.data.worker?.hires.data ?? [];
  for (const h of hires) console.log(h.id, h.__typename === "Hire", h.job.name, h.company.name, h.status, source, at, pending);
  console.log(v.data.viewer.email);

  const t = await client.worksome.query.timesheet({ id: 181 });
  for (const r of t.data.timesheet?.registrations.data ?? []) {
    const duration: number = r.duration;
    const comments: string | null = r.comments;
    console.log(r.date, duration, comments, r.unit);
  }
  const all = await client.worksome.query.timesheets({}, null);
  console.log(all.data.timesheets.paginatorInfo.total, all.data.timesheets.data[0]?.hire?.id);
  const vars: Worksome.TimesheetsQueryVariables = { accounts: ["3"], first: 20, page: 2 };
  await client.worksome.query.timesheets(vars, { policy: "cache-first" });
  const h = await client.worksome.query.hire({ id: "110" }, { policy: "network-only" });
  console.log(h.data.hire?.number);

  const p = await client.gcdirectory.query.profile({ gcId: "2" });
  const gcId: string | undefined = p.data.profile?.gcId;
  console.log(gcId, p.data.profile?.team?.nameEn);
  const o: Gcdirectory.OrgTierQueryData = (await client.gcdirectory.query.orgTier({ id: "1" })).data;
  console.log(o.orgTier?.members.map((m) => m.name));
  const opts: QueryOptions = { policy: "cache-only" };
  try {
    const a = await client.gcdirectory.query.approval({ id: "1" }, opts);
    console.log(a.data.approval?.requestedChange.titleEn);
  } catch (e) {
    if (isOutboxError(e, "CacheMissError")) console.log(e.details.operation);
  }
}

void main;
