// What this device did, rebuilt from the outbox alone: every entry of the signed-in worker, in
// creation order, sent ones included (the SDK keeps them 24 h as tombstones with their data).
// Replaying them gives the timesheets and registrations this app made or changed, each marked
// with the state of the entry that last touched it. data.ts lays this over the offline cache:
// the cache's pending layer shows edits and deletes of what it holds, but not what a create
// makes (a new timesheet, hours added through updateTimesheet): that needs the cache's
// app-declared `updates`, which the SDK does not have yet, so those come from here.
// Pure: no SDK calls, tested by the app's e2e.
import type { EntryError, EntryState, JsonValue, OutboxEntry } from "graphql-outbox";

export type Mark = { entry: string; state: EntryState; error: EntryError | null } | null;

export interface Registration {
  /** Stable React key: the entry that added it and its index there. */
  key: string;
  /** The server's id, once the add was sent and the answer named it. */
  id: string | null;
  date: string;
  startTime: string | null;
  endTime: string | null;
  duration: number;
  comments: string | null;
  deleted: boolean;
  /** The unfinished (or dead) entry that last touched it; null when all of them were sent. */
  mark: Mark;
  /** The entry that added it, while that entry is unsent (an edit then replaces the add). */
  addedBy: string | null;
}

export interface Timesheet {
  key: string;
  /** Not made on this device: only this device's adds and marks on a timesheet the cache holds. */
  stub?: boolean;
  /** Where it is shown from: the cache ("server") or only this device's outbox ("device"). */
  origin?: "server" | "device";
  /** The server's id; a `tmp:` placeholder while an offline create waits (issue 9); else null. */
  id: string | null;
  hire: string;
  startDate: string;
  endDate: string;
  registrations: Registration[];
  deleted: boolean;
  mark: Mark;
}

type Obj = { [k: string]: JsonValue };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: JsonValue | undefined): string | null => (typeof v === "string" ? v : null);

/** The mutation's `input` (the SDK stores GraphQL variables: `{ input }`). */
function inputOf(e: OutboxEntry): Obj {
  const v = e.variables as JsonValue;
  return isObj(v) && isObj(v.input) ? v.input : isObj(v) ? v : {};
}

/** Registration ids a Timesheet answer lists (its first page: the documents select `registrations { data { id } }`). */
function regIds(data: JsonValue | null): string[] {
  const list = isObj(data) && isObj(data.registrations) ? data.registrations.data : null;
  return Array.isArray(list) ? list.flatMap((r) => (isObj(r) && typeof r.id === "string" ? [r.id] : [])) : [];
}

const settledOk = (s: EntryState) => s === "sent";
const rolledBack = (s: EntryState) => s === "discarded";

function markOf(e: OutboxEntry): Mark {
  return settledOk(e.state) ? null : { entry: e.id, state: e.state, error: e.lastError };
}

function newReg(e: OutboxEntry, i: number, r: JsonValue): Registration | null {
  if (!isObj(r)) return null;
  const date = str(r.date);
  if (!date) return null;
  return {
    key: `${e.id}:${i}`, id: null, date,
    startTime: str(r.startTime), endTime: str(r.endTime),
    duration: typeof r.duration === "number" ? r.duration : 0,
    comments: str(r.comments), deleted: false, mark: markOf(e),
    addedBy: settledOk(e.state) ? null : e.id,
  };
}

/** Gives the registrations an answer names and the app does not know yet to the ones just added. */
function assignIds(ts: Timesheet, added: Registration[], data: JsonValue | null) {
  const known = new Set(ts.registrations.flatMap((r) => (r.id ? [r.id] : [])));
  const fresh = regIds(data).filter((id) => !known.has(id));
  // The server appends; the answer shows the first page, so fresh ids come in the order added.
  added.forEach((r, i) => { r.id = fresh[i] ?? null; });
}

/**
 * A create's placeholder: the SDK names the future id `tmp:<entry id>` (README, "Entities created
 * offline"), the value a queued call returns in `placeholders.id`; so it is known after a reload.
 */
const placeholderOf = (e: OutboxEntry) => `tmp:${e.id}`;

/** What the outbox says about things this device did not make (known to the cache only). */
export interface Journal {
  /** Timesheets made here (and stubs: adds to others), newest first. */
  sheets: Timesheet[];
  /** The last unfinished entry that changed or deleted a registration this device did not add. */
  regMarks: Map<string, Mark>;
}

/** Replays `entries` (outbox.list(), creation order) into timesheets, newest first. */
export function replay(entries: readonly OutboxEntry[]): Journal {
  const sheets: Timesheet[] = [];
  const byId = new Map<string, Timesheet>();
  const regMarks = new Map<string, Mark>();
  const findReg = (id: string) => {
    for (const t of sheets) for (const r of t.registrations) if (r.id === id) return r;
    return null;
  };
  const stub = (id: string): Timesheet => {
    const t: Timesheet = { key: `stub:${id}`, stub: true, id, hire: "", startDate: "", endDate: "", registrations: [], deleted: false, mark: null };
    sheets.push(t);
    byId.set(id, t);
    return t;
  };
  for (const e of entries) {
    if (e.api !== "worksome" || rolledBack(e.state)) continue;
    const inp = inputOf(e);
    const mark = markOf(e);
    switch (e.operation) {
      case "createTimesheet": {
        const hire = str(inp.hire), startDate = str(inp.startDate), endDate = str(inp.endDate);
        if (!hire || !startDate || !endDate) break;
        const ph = placeholderOf(e);
        const id = (isObj(e.data) ? str(e.data.id) : null) ?? ph;
        const ts: Timesheet = { key: e.id, id, hire, startDate, endDate, registrations: [], deleted: false, mark };
        const regs = Array.isArray(inp.registrations) ? inp.registrations : [];
        const added = regs.flatMap((r, i) => newReg(e, i, r) ?? []);
        if (e.state === "sent") assignIds(ts, added, e.data);
        ts.registrations.push(...added);
        sheets.push(ts);
        if (id) byId.set(id, ts);
        if (ph) byId.set(ph, ts); // later entries name it by its placeholder, also once sent
        break;
      }
      case "updateTimesheet": {
        const tsId = str(inp.id);
        if (!tsId) break;
        // A timesheet this device did not make: the cache shows it, the adds come from here.
        const ts = byId.get(tsId) ?? stub(tsId);
        const regs = Array.isArray(inp.registrations) ? inp.registrations : [];
        const added = regs.flatMap((r, i) => newReg(e, i, r) ?? []);
        if (e.state === "sent") assignIds(ts, added, e.data);
        ts.registrations.push(...added);
        if (mark && added.length === 0) ts.mark = mark;
        break;
      }
      case "updateTimesheetRegistration": {
        const r = findReg(str(inp.id) ?? "");
        if (!r) { regMarks.set(str(inp.id) ?? "", mark); break; }
        if (e.state !== "dead") {
          if ("startTime" in inp) r.startTime = str(inp.startTime);
          if ("endTime" in inp) r.endTime = str(inp.endTime);
          if (typeof inp.duration === "number") r.duration = inp.duration;
          if ("comments" in inp) r.comments = str(inp.comments);
        }
        if (mark) r.mark = mark;
        break;
      }
      case "deleteTimesheetRegistration": {
        const r = findReg(str(inp.id) ?? "");
        if (!r) { regMarks.set(str(inp.id) ?? "", mark); break; }
        if (e.state !== "dead") r.deleted = true;
        r.mark = mark;
        break;
      }
      case "deleteTimesheet": {
        const ts = byId.get(str(inp.id) ?? "");
        if (!ts) break;
        if (e.state !== "dead") ts.deleted = true;
        ts.mark = mark;
        break;
      }
    }
  }
  // A sent delete removes the thing; a pending one keeps it on screen, struck through.
  const shown = sheets.filter((t) => !(t.deleted && !t.mark));
  for (const t of shown) t.registrations = t.registrations.filter((r) => !(r.deleted && !r.mark));
  return { sheets: shown.reverse(), regMarks };
}

