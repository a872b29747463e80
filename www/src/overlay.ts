// A cached timesheet (with its registrations) in the app's shape, with the badges of the outbox
// entries that touch it. Pure. Everything shown comes from the offline cache, which already
// applies this device's unsent work (its pending layer and the app's `updates`, updates.ts); the
// outbox only marks what is not sent yet or was refused.
import type { Worksome } from "graphql-outbox";
import type { Marks, Registration, Timesheet } from "./journal";
import { addedBy } from "./updates";

export type ServerSheet = Worksome.TimesheetsQueryData["timesheets"]["data"][number];
type Detail = Worksome.TimesheetQueryData["timesheet"];

/** A listed timesheet in the app's shape; its registrations once its own query answered. */
export function fromServer(t: ServerSheet, detail: Detail | null, marks: Marks): Timesheet {
  const regs: Registration[] = (detail?.registrations.data ?? []).map((r) => {
    // Hours added and not sent yet have no server id: `new:<entry>:<i>`, made by updates.ts.
    const by = addedBy(r.id);
    return {
      key: by ? r.id : `s:${r.id}`, id: by ? null : r.id, date: r.date ?? "", startTime: r.startTime, endTime: r.endTime,
      duration: r.duration ?? 0, comments: r.comments, mark: marks.get(r.id) ?? null, addedBy: by,
    };
  });
  return {
    key: `s:${t.id}`, id: t.id, hire: t.hire?.id ?? "", startDate: t.startDate ?? "", endDate: t.endDate ?? "",
    registrations: regs, mark: marks.get(t.id) ?? null,
    origin: t.id.startsWith("tmp:") ? "device" : "server",
  };
}
