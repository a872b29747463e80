// The server's timesheets (from the offline cache) with this device's unsent work on top. Pure.
//
// Who shows what, so nothing shows twice:
// - a timesheet or registration the cache holds: its fields come from the cache, whose pending
//   layer already applies unsent edits and hides unsent deletes (a dead one is rolled back);
//   the outbox only adds the badge of the entry that last touched it;
// - what the cache cannot show, creates: timesheets made on this device and not (yet) in the
//   cached list, hours added and not (yet) in the cached timesheet. Once the cache has them
//   (matched by server id: a sent add's id comes from its answer) the cache's copy is used.
import type { Worksome } from "graphql-outbox";
import type { Journal, Registration, Timesheet } from "./journal";

export type ServerSheet = Worksome.TimesheetsQueryData["timesheets"]["data"][number];
type Detail = Worksome.TimesheetQueryData["timesheet"];

/** A cached timesheet in the app's shape; its registrations once its own query answered. */
export function fromServer(t: ServerSheet, detail: Detail | null): Timesheet & { loaded: boolean } {
  const regs: Registration[] = (detail?.registrations.data ?? []).map((r) => ({
    key: `s:${r.id}`, id: r.id, date: r.date, startTime: r.startTime, endTime: r.endTime,
    duration: r.duration, comments: r.comments, deleted: false, mark: null, addedBy: null,
  }));
  return {
    key: `s:${t.id}`, id: t.id, hire: t.hire?.id ?? "", startDate: t.startDate ?? "", endDate: t.endDate ?? "",
    registrations: regs, deleted: false, mark: null, origin: "server", loaded: !!detail,
  };
}

/** Local timesheets first (newest first), then the cached ones, newest first. */
export function overlay(server: (Timesheet & { loaded?: boolean })[], journal: Journal): Timesheet[] {
  const local = new Map(journal.sheets.flatMap((l) => (l.id ? [[l.id, l] as const] : [])));
  const used = new Set<Timesheet>();
  const merged = server.map((s): Timesheet => {
    const l = s.id ? local.get(s.id) : undefined;
    if (l) used.add(l);
    const known = new Set(s.registrations.map((r) => r.id));
    const regs = s.registrations.map((r) => {
      const mine = l?.registrations.find((x) => x.id === r.id);
      const mark = (mine?.mark ?? journal.regMarks.get(r.id ?? "")) || null;
      return mark ? { ...r, mark } : r;
    });
    // Hours this device added that the cached timesheet does not list (yet); unsent deletes
    // are left out, as the cache leaves out the ones it holds.
    const added = (l?.registrations ?? []).filter((r) => !r.deleted && !(r.id && known.has(r.id)));
    return { ...s, registrations: [...regs, ...added], mark: l?.mark ?? null };
  });
  // Made here and not in the cached list: still unsent, or sent since the list was read. A
  // stub (hours added to a timesheet the list does not hold) has nothing to show on its own.
  const mine = journal.sheets.filter((l) => !used.has(l) && !l.stub).map((l) => ({ ...l, origin: "device" as const }));
  return [...mine, ...merged.reverse()];
}
