// The read side, in one place: the offline cache (`client.worksome.watch.*`): the worker's hires
// (`viewer`), their timesheets (`timesheets`) and each one's registrations (`timesheet`), from the
// network when online and from IndexedDB when not. The cache shows the unsent work too: its
// pending layer applies unsent edits and deletes (and rolls them back if they die), and the app's
// `updates` (updates.ts) put new timesheets and added hours into these queries (a timesheet made
// offline under its `tmp:` placeholder). The outbox (`journal.ts`) only says which entry last
// touched what, for the Pending / Not accepted badges; `overlay.ts` joins the two.
import { useEffect, useMemo, useRef, useState } from "react";
import type { Client, OutboxEntry, QueryResult, Worksome } from "graphql-outbox";
import type { Account } from "./accounts";
import { marks, type Timesheet } from "./journal";
import { fromServer, type ServerSheet } from "./overlay";
import { LIST } from "./updates";

const text = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
/** The first read of a watch: the server when online; when the browser knows it is offline, the
 * cache at once (a request would only fail, and the browser logs each failed request). */
const firstRead = () => ({ policy: navigator.onLine ? "network-first" : "cache-first" } as const);

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
        if (live) setError(text(e));
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

type Answer<T> = { result: QueryResult<T> | null; error: string | null };

/** One live query; `key` says when to restart it (its variables changed). */
function useWatch<T>(start: (cb: (r: QueryResult<T>) => void, onError: (e: Error) => void) => () => void, key: string): Answer<T> {
  const [state, setState] = useState<Answer<T>>({ result: null, error: null });
  useEffect(() => {
    setState({ result: null, error: null });
    try {
      return start((result) => setState({ result, error: null }), (e) => setState((s) => ({ ...s, error: text(e) })));
    } catch (e) {
      setState({ result: null, error: text(e) });
    }
    // `start` is a new closure every render; `key` names what it watches.
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  return state;
}

export interface Hire { id: string; number: string; job: string; company: string }
export const hireLabel = (h: Hire) => `${h.job} · ${h.company} (${h.number})`;

/** The worker's hires (the `viewer` query), from the cache when offline; null until known. */
export function useHires(client: Client, account: Account): { hires: Hire[] | null; error: string | null } {
  const w = useWatch<Worksome.ViewerQueryData>((cb, onError) =>
    client.worksome.watch.viewer({ worker: account.worker }, cb, { ...firstRead(), onError }), `${account.worker}`);
  const hires = useMemo(() => w.result?.data.worker?.hires.data.map((h) =>
    ({ id: h.id, number: h.number, job: h.job.name, company: h.company.name })) ?? null, [w.result]);
  return { hires, error: w.result ? null : w.error };
}

/** A timesheet made offline (its `tmp:` placeholder): only the cache knows it, never the server. */
const unsent = (id: string) => id.startsWith("tmp:");

/**
 * Registrations of each listed timesheet (`timesheet(id)`), watched while it is listed. After a
 * hours-adding entry is sent, its timesheet is read from the network again: the mutation's
 * answer names the new registrations' ids but not their fields.
 */
function useSheets(client: Client, ids: string[]) {
  const [byId, setById] = useState<Map<string, Worksome.TimesheetQueryData["timesheet"]>>(new Map());
  const key = ids.join(",");
  useEffect(() => {
    const stops = ids.map((id) => client.worksome.watch.timesheet({ id }, (r) => {
      setById((m) => new Map(m).set(id, r.data.timesheet));
    }, {
      // A placeholder means nothing to the server: its hours are in the cache only.
      ...(unsent(id) ? { policy: "cache-only" as const } : firstRead()),
      onError: () => { /* offline and never read: no hours to show until it is */ },
    }));
    return () => stops.forEach((s) => s());
  }, [client, key]); // eslint-disable-line react-hooks/exhaustive-deps
  return byId;
}

/** Refetches the list and the listed timesheets after entries are sent (coalesced, 300 ms). */
function useRefetchOnSent(client: Client, ids: React.MutableRefObject<string[]>) {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = client.outbox.subscribe((e) => {
      if (e.type !== "sent" || e.api !== "worksome" || timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (!navigator.onLine) return;
        const quiet = () => { /* offline again: the cache keeps what it has */ };
        client.worksome.query.timesheets(LIST, { policy: "network-only" }).catch(quiet);
        for (const id of ids.current) {
          if (!unsent(id)) client.worksome.query.timesheet({ id }, { policy: "network-only" }).catch(quiet);
        }
      }, 300);
    });
    return () => { stop(); if (timer) clearTimeout(timer); };
  }, [client, ids]);
}

export interface TimesheetsView {
  /** null until the list is known (the cache answered, or could not and the outbox was read). */
  sheets: Timesheet[] | null;
  /** Where the list comes from: "network", "cache", or "none" when neither could answer. */
  source: "none" | "network" | "cache";
  fetchedAt: number | null;
  /** Shown above the list when it shows less than the server has. */
  notice: string | null;
  error: string | null;
}

export function useTimesheets(client: Client): TimesheetsView {
  const { entries, error } = useEntries(client);
  const list = useWatch<Worksome.TimesheetsQueryData>((cb, onError) =>
    client.worksome.watch.timesheets(LIST, cb, { ...firstRead(), onError }), "timesheets");
  const server: ServerSheet[] | null = useMemo(() => list.result?.data.timesheets.data ?? null, [list.result]);
  const ids = useMemo(() => (server ?? []).map((t) => t.id), [server]);
  const idsRef = useRef(ids);
  idsRef.current = ids;
  const details = useSheets(client, ids);
  useRefetchOnSent(client, idsRef);

  const sheets = useMemo(() => {
    if (!entries) return null;
    if (!server) return list.error ? [] : null;
    const m = marks(entries);
    // Newest first: the server lists the oldest first, and the app's updates append.
    return server.map((t) => fromServer(t, details.get(t.id) ?? null, m)).reverse();
  }, [entries, server, details, list.error]);

  const cacheless = !server && !!list.error;
  return {
    sheets,
    source: server ? list.result!.source : "none",
    fetchedAt: list.result?.fetchedAt ?? null,
    notice: cacheless
      ? "Your timesheets could not be read (offline, and not read on this device before); they show once you are online."
      : null,
    error: error ?? (cacheless ? null : list.error),
  };
}
