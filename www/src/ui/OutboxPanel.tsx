// The outbox at a glance: connectivity, a live count of what waits, a progress bar while a
// drain runs, and each refused (dead) entry with the server's message and Retry / Discard.
import { useEffect, useState } from "react";
import type { Client, OutboxEntry } from "graphql-outbox";
import { useOutbox } from "graphql-outbox/react";
import { errorText } from "../errors";

const OPS: Record<string, string> = {
  createTimesheet: "New timesheet", updateTimesheet: "Hours added", updateTimesheetRegistration: "Hours changed",
  deleteTimesheetRegistration: "Hours deleted", deleteTimesheet: "Timesheet deleted",
};

export function OutboxPanel({ client }: { client: Client }) {
  const snap = useOutbox();
  const [dead, setDead] = useState<OutboxEntry[]>([]);
  const [msg, setMsg] = useState("");
  const refused = snap.counts.dead + snap.counts.unknown;

  useEffect(() => {
    let live = true;
    Promise.all([client.outbox.list({ state: "dead" }), client.outbox.list({ state: "unknown" })])
      .then(([d, u]) => { if (live) setDead([...d, ...u].sort((a, b) => a.seq - b.seq)); })
      .catch((e) => { if (live) setMsg(String(e)); });
    return () => { live = false; };
  }, [client, refused, snap.counts.queued]);

  const act = async (what: "retry" | "discard", id: string) => {
    try {
      await client.outbox[what](id);
      setMsg(what === "retry" ? "Sending it again…" : "Discarded.");
    } catch (e) {
      setMsg(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
  };

  const { drain } = snap;
  return (
    <aside className="card outbox" aria-labelledby="outbox-title">
      <h2 id="outbox-title">Outbox</h2>
      <p className={`net ${snap.online ? "on" : "off"}`}>
        <span aria-hidden="true" className="dot" />
        {snap.online ? "Online" : "Offline: changes are kept on this device"}
      </p>
      <p className="count">
        <strong data-testid="pending-count">{snap.pending}</strong> {snap.pending === 1 ? "change" : "changes"} waiting to be sent
      </p>
      {drain.sending && (
        <div className="drain">
          <label htmlFor="drain">Sending {Math.min(drain.done + 1, drain.total)} of {drain.total}</label>
          <progress id="drain" max={drain.total} value={drain.done} />
        </div>
      )}
      {snap.pending > 0 && snap.online && !drain.sending && (
        <button className="secondary" onClick={() => client.sync().catch((e) => setMsg(String(e)))}>Send now</button>
      )}
      {dead.length > 0 && (
        <>
          <h3>Not accepted by the server</h3>
          <ul className="dead" data-testid="dead-list">
            {dead.map((e) => (
              <li key={e.id} data-entry={e.id}>
                <span className="what">{OPS[e.operation] ?? e.operation}</span>
                <span className="why">{errorText(e.lastError)}</span>
                <span className="rowactions">
                  <button onClick={() => act("retry", e.id)}>Retry</button>
                  <button className="secondary danger" onClick={() => act("discard", e.id)}>Discard</button>
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="status small" role="status">{msg}</p>
    </aside>
  );
}
