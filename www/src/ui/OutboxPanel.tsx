// The outbox at a glance: connectivity, a live count of what waits, a progress bar while a
// drain runs, and each refused (dead) entry with the server's message and Retry / Discard.
import { useEffect, useState } from "react";
import type { Client, EntryState, OutboxEntry } from "graphql-outbox";
import { useOutbox } from "graphql-outbox/react";
import { errorText } from "../errors";
import { fmtDay } from "../actions";

const OPS: Record<string, string> = {
  createTimesheet: "New timesheet", updateTimesheet: "Hours added", updateTimesheetRegistration: "Hours changed",
  deleteTimesheetRegistration: "Hours deleted", deleteTimesheet: "Timesheet deleted",
};

// What waits, in words: a deletion leaves the list at once (the cache hides it), so this is
// where it shows as pending until sent.
const WAITING: Partial<Record<EntryState, string>> = {
  queued: "waiting", sending: "sending", retrying: "will retry", auth: "needs sign-in", blocked: "blocked",
};
const SHOWN = 6;

/** The day or week an entry is about, where its arguments say (deletions name only an id). */
function about(e: OutboxEntry): string {
  const input = (e.variables.input ?? {}) as { startDate?: string; registrations?: { date?: string }[] };
  if (e.operation === "createTimesheet" && input.startDate) return `week of ${fmtDay(input.startDate)}`;
  const day = input.registrations?.[0]?.date;
  return day ? fmtDay(day) : "";
}

export function OutboxPanel({ client }: { client: Client }) {
  const snap = useOutbox();
  const [dead, setDead] = useState<OutboxEntry[]>([]);
  const [waiting, setWaiting] = useState<OutboxEntry[]>([]);
  const [msg, setMsg] = useState("");
  const refused = snap.counts.dead + snap.counts.unknown;

  useEffect(() => {
    let live = true;
    const states = ["dead", "unknown", ...Object.keys(WAITING)] as EntryState[];
    Promise.all(states.map((state) => client.outbox.list({ state })))
      .then((lists) => {
        if (!live) return;
        const bySeq = (l: OutboxEntry[]) => l.sort((a, b) => a.seq - b.seq);
        setDead(bySeq(lists.slice(0, 2).flat()));
        setWaiting(bySeq(lists.slice(2).flat()));
      })
      .catch((e) => { if (live) setMsg(String(e)); });
    return () => { live = false; };
  }, [client, refused, snap.pending, snap.drain.done]);

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
      {waiting.length > 0 && (
        <ul className="waiting" data-testid="waiting-list" aria-label="Waiting to be sent">
          {waiting.slice(0, SHOWN).map((e) => (
            <li key={e.id} data-entry={e.id} data-state={e.state}>
              <span className="what">{OPS[e.operation] ?? e.operation}</span>
              {about(e) && <span className="about"> · {about(e)}</span>}
              <span className="state">{WAITING[e.state] ?? e.state}</span>
            </li>
          ))}
          {waiting.length > SHOWN && <li className="more">and {waiting.length - SHOWN} more</li>}
        </ul>
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
