// The signed-in screen: header (who, online/offline), the read notice, new timesheet, the
// timesheets, and the outbox panel (a sidebar on desktop, below the list on a phone).
import { useState } from "react";
import type { Client } from "graphql-outbox";
import { useOutbox } from "graphql-outbox/react";
import type { Account } from "../accounts";
import { useTimesheets } from "../data";
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
  const hires = [...new Set((view.sheets ?? []).map((t) => t.hire))];

  return (
    <div className="shell" data-ready={view.sheets ? "true" : "false"}>
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
          <NewTimesheet ctx={ctx} knownHires={hires} />
          {!view.sheets ? (
            <p aria-busy="true">Reading the outbox…</p>
          ) : view.sheets.length === 0 ? (
            <p className="empty">No timesheets on this device yet. Start one above.</p>
          ) : (
            view.sheets.map((t) => <TimesheetCard key={t.key} ctx={ctx} sheet={t} />)
          )}
        </main>
        <OutboxPanel client={client} />
      </div>
    </div>
  );
}
