// Which outbox entry last touched what, for the Pending / Not accepted badges: every entry of the
// signed-in worker not sent (or refused), by the id of the timesheet or registration it touches.
// What the entries change is not replayed here: the offline cache shows it (its pending layer,
// and the app's `updates` for new timesheets and added hours, updates.ts). Pure.
import type { EntryError, EntryState, JsonValue, OutboxEntry } from "graphql-outbox";
import { addedId } from "./updates";

export type Mark = { entry: string; state: EntryState; error: EntryError | null } | null;

export interface Registration {
  /** Stable React key. */
  key: string;
  /** The server's id; null while the add that made it is unsent. */
  id: string | null;
  date: string;
  startTime: string | null;
  endTime: string | null;
  duration: number;
  comments: string | null;
  /** The unfinished (or dead) entry that last touched it; null when all of them were sent. */
  mark: Mark;
  /** The entry that added it, while that entry is unsent (an edit then replaces the add). */
  addedBy: string | null;
}

export interface Timesheet {
  key: string;
  /** Where it is shown from: the server's list ("server") or only this device's unsent create ("device"). */
  origin?: "server" | "device";
  /** The server's id, or the `tmp:` placeholder while an offline create waits (issue 9). */
  id: string | null;
  hire: string;
  startDate: string;
  endDate: string;
  registrations: Registration[];
  mark: Mark;
}

/** Timesheet or registration id -> the last unfinished entry that touched it. */
export type Marks = Map<string, Mark>;

type Obj = { [k: string]: JsonValue };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: JsonValue | undefined): string | null => (typeof v === "string" ? v : null);

/** The mutation's `input` (the SDK stores GraphQL variables: `{ input }`). */
function inputOf(e: OutboxEntry): Obj {
  const v = e.variables as JsonValue;
  return isObj(v) && isObj(v.input) ? v.input : isObj(v) ? v : {};
}

/** The badges of `entries` (outbox.list(), creation order): sent and discarded ones mark nothing. */
export function marks(entries: readonly OutboxEntry[]): Marks {
  const out: Marks = new Map();
  for (const e of entries) {
    if (e.api !== "worksome" || e.state === "sent" || e.state === "discarded") continue;
    const mark: Mark = { entry: e.id, state: e.state, error: e.lastError };
    const inp = inputOf(e);
    switch (e.operation) {
      case "createTimesheet":
        // The SDK names the future id `tmp:<entry id>` (README, "Entities created offline").
        out.set(`tmp:${e.id}`, mark);
        break;
      case "updateTimesheet": {
        const regs = Array.isArray(inp.registrations) ? inp.registrations : [];
        regs.forEach((_, i) => out.set(addedId(e.id, i), mark));
        if (regs.length === 0 && str(inp.id)) out.set(str(inp.id)!, mark);
        break;
      }
      case "updateTimesheetRegistration":
      case "deleteTimesheetRegistration":
      case "deleteTimesheet":
        if (str(inp.id)) out.set(str(inp.id)!, mark);
        break;
    }
  }
  return out;
}
