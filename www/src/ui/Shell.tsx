// The signed-in screen: header (who, online/offline), new timesheet, the worker's hires each
// with its timesheets, and the outbox panel (a sidebar on desktop, below the list on a phone).
import { useState } from "react";
import type { Client } from "graphql-outbox";
import { useOutbox } from "graphql-outbox/react";
import type { Account } from "../accounts";
import { type Hire, hireLabel, useHires, useTimesheets } from "../data";
import type { Timesheet } from "../journal";
import { NewTimesheet } from "./NewTimesheet";
import { OutboxPanel } from "./OutboxPanel";
import { TimesheetCard } from "./TimesheetCard";

export interface Ctx {
  client: Client;
  account: Account;
  /** Shows an action's outcome in the status line. */
  say: (msg: string) => void;
}

export function Shell({ account, client, onSignOut }: { account: Account; client: Client; onSignOut: () => void }) {
  const { online, pending } = useOutbox();
  const view = useTimesheets(client);
  const [status, setStatus] = useState("");
  const ctx: Ctx = { client, account, say: setStatus };
  const { hires, error: hiresError } = useHires(client, account);

  return (
    <div className="shell" data-ready={view.sheets ? "true" : "false"} data-source={view.source}>
      <header className="top">
        <div className="bar">
          <h1>Timesheets</h1>
          {/* The outbox panel is below the list on a phone: the header carries its gist. */}
          <span className={`net ${online ? "on" : "off"}`} data-testid="network">
            <span aria-hidden="true" className="dot" />{online ? "Online" : "Offline"}
            {pending > 0 && <> · {pending} waiting</>}
          </span>
          <span className="who">{account.name}</span>
          <button className="link" onClick={onSignOut}>Sign out</button>
        </div>
      </header>
      <p className="status" role="status" aria-live="polite">{status}</p>
      <div className="layout">
        <main>
          {view.notice && <p className="notice" data-testid="notice">{view.notice}</p>}
          {view.error && <p className="error" role="alert">{view.error}</p>}
          {!online && view.source === "cache" && view.fetchedAt !== null && (
            <p className="hint" data-testid="freshness">
              Offline: your timesheets as last read from the server ({new Date(view.fetchedAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}), with your unsent changes.
            </p>
          )}
          <NewTimesheet ctx={ctx} hires={hires} hiresError={hiresError} />
          {!view.sheets ? (
            <p aria-busy="true">Reading your timesheets…</p>
          ) : view.sheets.length === 0 ? (
            <p className="empty">No timesheets yet. Start one above.</p>
          ) : (
            byHire(view.sheets, hires ?? []).map(({ hire, label, sheets }) => (
              <section className="hire" key={hire} aria-labelledby={`hire-${hire}`} data-hire={hire}>
                <h2 id={`hire-${hire}`}>{label}</h2>
                {/* Keyed by the server's id when known: a timesheet made here moves from the
                    outbox's copy to the cache's when the list is read again, and a new key would
                    remount its card, closing a form the worker has open. */}
                {sheets.map((t) => <TimesheetCard key={t.id ?? t.key} ctx={ctx} sheet={t} />)}
              </section>
            ))
          )}
        </main>
        <OutboxPanel client={client} />
      </div>
    </div>
  );
}

/** The timesheets under their hire, in the order of the worker's hires; unknown hires last. */
function byHire(sheets: Timesheet[], hires: Hire[]) {
  const groups = new Map<string, Timesheet[]>();
  for (const t of sheets) groups.set(t.hire, [...(groups.get(t.hire) ?? []), t]);
  const known = hires.filter((h) => groups.has(h.id)).map((h) => ({ hire: h.id, label: hireLabel(h) }));
  const others = [...groups.keys()].filter((id) => !hires.some((h) => h.id === id)).map((id) => ({ hire: id, label: `Hire ${id}` }));
  return [...known, ...others].map((g) => ({ ...g, sheets: groups.get(g.hire) ?? [] }));
}
