// The read side, in one place. Two sources:
// - the outbox (always): `journal.ts` replays this worker's entries, so what the app made or
//   changed on this device shows at once, marked pending, also after an offline reload;
// - the offline cache (issue 8, not in this build of the package): `client.worksome.watch.timesheets`
//   gives the server's timesheets, from the network or from IndexedDB when offline.
// Until the package has `client.worksome.query`, only the first exists and the UI says so
// (`READS_NEED_CACHE`); nothing here invents server data. When the cache lands, `serverView`
// switches on by itself; the integrator checks the document shape it assumes (see below).
import { useEffect, useState } from "react";
import type { Client, OutboxEntry } from "graphql-outbox";
import { replay, type Registration, type Timesheet } from "./journal";

export const READS_NEED_CACHE =
  "Reads need the offline cache, which this build of graphql-outbox does not have yet: this list shows only what this device made or changed (the last 24 hours of its outbox), not everything on the server.";

/** The query contract of issue 8, as far as this app uses it. */
export interface QueryResult<T> {
  data: T;
  source: "network" | "cache";
  fetchedAt: number;
  pending: string[];
}
type Watch = (vars: object, cb: (r: QueryResult<unknown>) => void, opts?: { policy?: string }) => () => void;
interface QuerySurface {
  query?: Record<string, unknown>;
  watch?: Record<string, Watch | undefined>;
}

/** Whether the package has the query API (issue 8). */
export function hasQueries(client: Client): boolean {
  const api = client.worksome as unknown as QuerySurface;
  return typeof api.query === "object" && api.query !== null && typeof api.watch?.timesheets === "function";
}

/** This worker's outbox entries, re-read after every outbox event (coalesced). */
function useEntries(client: Client) {
  const [entries, setEntries] = useState<OutboxEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true, reading = false, again = false;
    const read = async () => {
      if (reading) { again = true; return; }
      reading = true;
      try {
        do {
          again = false;
          const list = await client.outbox.list();
          if (live) { setEntries(list); setError(null); }
        } while (again && live);
      } catch (e) {
        if (live) setError(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      } finally {
        reading = false;
      }
    };
    const stop = client.outbox.subscribe(() => void read());
    void read();
    return () => { live = false; stop(); };
  }, [client]);
  return { entries, error };
}

/** A timesheet of the `timesheets` query's answer, in the app's shape. ASSUMED document shape
 * (the integrator checks it against operations/worksome/queries/timesheets.graphql):
 * `timesheets { data { id startDate endDate hire { id } registrations { data { id date startTime endTime duration comments } } } }`;
 * fields the document does not select show empty. */
function fromServer(t: Record<string, any>): Timesheet | null {
  if (typeof t?.id !== "string") return null;
  const regs: Registration[] = (t.registrations?.data ?? []).flatMap((r: Record<string, any>) =>
    typeof r?.id === "string"
      ? [{ key: `s:${r.id}`, id: r.id, date: r.date ?? "", startTime: r.startTime ?? null, endTime: r.endTime ?? null,
           duration: typeof r.duration === "number" ? r.duration : 0, comments: r.comments ?? null,
           deleted: false, mark: null, addedBy: null }]
      : []);
  return { key: `s:${t.id}`, id: t.id, hire: t.hire?.id ?? "", startDate: t.startDate ?? "", endDate: t.endDate ?? "",
           registrations: regs, deleted: false, mark: null };
}

/** The server's timesheets through the cache (issue 8), or null where the package has no query API. */
function useServerView(client: Client) {
  const [view, setView] = useState<{ sheets: Timesheet[]; source: string; fetchedAt: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!hasQueries(client)) return;
    const watch = (client.worksome as unknown as QuerySurface).watch!.timesheets!;
    try {
      return watch({ first: 50 }, (r) => {
        const list = (r.data as { timesheets?: { data?: Record<string, any>[] } })?.timesheets?.data ?? [];
        setView({ sheets: list.flatMap((t) => fromServer(t) ?? []), source: r.source, fetchedAt: r.fetchedAt });
      }, { policy: "cache-first" });
    } catch (e) {
      setError(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
  }, [client]);
  return { view, error };
}

/** Lays this device's changes over the server's view: local marks win, unsent adds and creates are appended. */
export function overlay(server: Timesheet[], local: Timesheet[]): Timesheet[] {
  const out = server.map((t) => ({ ...t, registrations: [...t.registrations] }));
  for (const l of local) {
    const s = l.id ? out.find((t) => t.id === l.id) : undefined;
    if (!s) { out.unshift(l); continue; }
    if (l.mark) { s.mark = l.mark; s.deleted = l.deleted; }
    for (const r of l.registrations) {
      const i = r.id ? s.registrations.findIndex((x) => x.id === r.id) : -1;
      if (i >= 0) { if (r.mark) s.registrations[i] = r; } else s.registrations.push(r);
    }
  }
  return out;
}

export interface TimesheetsView {
  sheets: Timesheet[] | null;
  /** Where the list comes from: "outbox" (this device only), or the cache's "network" / "cache". */
  source: "outbox" | "network" | "cache";
  fetchedAt: number | null;
  /** Shown above the list when reads are limited (no cache in the package). */
  notice: string | null;
  error: string | null;
}

export function useTimesheets(client: Client): TimesheetsView {
  const { entries, error } = useEntries(client);
  const server = useServerView(client);
  const local = entries ? replay(entries) : null;
  if (!hasQueries(client)) {
    return { sheets: local, source: "outbox", fetchedAt: null, notice: READS_NEED_CACHE, error };
  }
  const sheets = server.view && local ? overlay(server.view.sheets, local) : local;
  return {
    sheets,
    source: (server.view?.source as "network" | "cache") ?? "outbox",
    fetchedAt: server.view?.fetchedAt ?? null,
    notice: null,
    error: error ?? server.error,
  };
}
