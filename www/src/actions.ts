// Every write of the app, each one SDK call (the outbox stores it before the call resolves, so
// it shows at once through data.ts). Each returns a sentence for the status line; failures the
// outbox keeps (dead entries) also show in the outbox panel with Retry / Discard.
import { isOutboxError, type Client, type Worksome } from "graphql-outbox";
import { type Account } from "./accounts";
import { syncTag } from "./client";
import { errorText } from "./errors";
import type { Registration, Timesheet } from "./journal";

export interface RegistrationForm {
  date: string;
  startTime: string;
  endTime: string;
  /** Hours, used when start and end are not both given. */
  hours: string;
  comments: string;
}

/** Hours between two HH:MM times, to two decimals. */
export function hoursBetween(start: string, end: string): number | null {
  const m = (t: string) => /^(\d\d):(\d\d)$/.exec(t);
  const a = m(start), b = m(end);
  if (!a || !b) return null;
  const mins = (Number(b[1]) * 60 + Number(b[2])) - (Number(a[1]) * 60 + Number(a[2]));
  return mins > 0 ? Math.round((mins / 60) * 100) / 100 : null;
}

/** The form as the API's TimesheetRegistrationInput, or a sentence saying what is missing. */
export function registrationInput(f: RegistrationForm): Worksome.TimesheetRegistrationInput | string {
  if (!f.date) return "Pick a day.";
  const span = f.startTime && f.endTime ? hoursBetween(f.startTime, f.endTime) : null;
  if (f.startTime && f.endTime && span === null) return "The end time must be after the start time.";
  const hours = span ?? Number(f.hours);
  if (!(hours > 0 && hours <= 24)) return "Give a start and end time, or hours between 0 and 24.";
  return {
    type: "DAY", date: f.date, unit: "HOURS", duration: hours,
    startTime: span !== null ? f.startTime : null, endTime: span !== null ? f.endTime : null,
    comments: f.comments.trim() || null,
  };
}

/** Asks the service worker to drain on the next connectivity (Background Sync), where it exists. */
async function backgroundSync(account: Account) {
  try {
    const reg = await navigator.serviceWorker?.getRegistration();
    const sync = (reg as (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }) | undefined)?.sync;
    await sync?.register(syncTag(account));
  } catch {
    // No Background Sync (Firefox, Safari) or no service worker yet: the page drains on `online`.
  }
}

type Result = { status: "sent" | "queued"; id: string; placeholders?: { id?: string } };

async function run(account: Account, what: string, call: () => Promise<Result>): Promise<string> {
  try {
    const r = await call();
    if (r.status === "queued") {
      void backgroundSync(account);
      return `${what}: saved on this device, will be sent when online.`;
    }
    return `${what}: sent.`;
  } catch (e) {
    if (isOutboxError(e, "GraphQLError")) {
      const why = errorText({ kind: "graphql", status: e.details.status, message: e.message, errors: e.details.errors });
      return `${what}: the server refused it: ${why}. See the outbox.`;
    }
    if (isOutboxError(e, "ValidationError")) return `${what}: ${e.details.path}: ${e.details.reason}`;
    if (isOutboxError(e)) return `${what}: ${e.name}: ${e.message}`;
    return `${what}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Monday..Sunday of the week holding `day` (YYYY-MM-DD, local calendar). */
export function weekOf(day: string): { start: string; end: string } {
  const d = new Date(`${day}T12:00:00`);
  const monday = new Date(d);
  monday.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  const sunday = new Date(monday);
  sunday.setDate(monday.getDate() + 6);
  return { start: isoDay(monday), end: isoDay(sunday) };
}
export const isoDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

/** "Mon, Nov 2" for an ISO day, read at noon so no time zone moves it to another day. */
export const fmtDay = (d: string) =>
  new Date(`${d}T12:00:00`).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });

export function createTimesheet(client: Client, account: Account, hire: string, day: string) {
  const { start, end } = weekOf(day);
  return run(account, "New timesheet", async () => {
    // Queued, it returns `placeholders.id` (`tmp:<entry id>`): the cache lists it under that id
    // (updates.ts), so hours can be added to it (and it can be deleted) before it reaches the server.
    return (await client.worksome.createTimesheet({ worker: account.worker, hire, startDate: start, endDate: end })) as Result;
  });
}

export function addRegistration(client: Client, account: Account, sheet: Timesheet, form: RegistrationForm) {
  const input = registrationInput(form);
  if (typeof input === "string") return Promise.resolve(input);
  if (!sheet.id) return Promise.resolve("This timesheet has no id yet.");
  // A placeholder (`tmp:`) while its create waits: the SDK sends this after it, with the real id.
  const id = sheet.id;
  return run(account, "Hours added", () => client.worksome.updateTimesheet({ id, registrations: [input] }));
}

export async function editRegistration(client: Client, account: Account, sheet: Timesheet, reg: Registration, form: RegistrationForm) {
  const input = registrationInput({ ...form, date: reg.date });
  if (typeof input === "string") return input;
  if (reg.id) {
    const id = reg.id;
    return run(account, "Hours changed", () => client.worksome.updateTimesheetRegistration({
      id, startTime: input.startTime, endTime: input.endTime, duration: input.duration, unit: "HOURS", comments: input.comments,
    }));
  }
  if (reg.addedBy && sheet.id) {
    // Not on the server yet, so it has no id to update: replace the unsent add with a new one.
    const id = sheet.id;
    const discarded = await discard(client, reg.addedBy);
    if (discarded) return discarded;
    return run(account, "Hours changed", () => client.worksome.updateTimesheet({ id, registrations: [input] }));
  }
  return "This registration's server id is not known yet; try again once the timesheet is refreshed.";
}

export async function deleteRegistration(client: Client, account: Account, reg: Registration) {
  if (reg.id) {
    const id = reg.id;
    return run(account, "Hours deleted", () => client.worksome.deleteTimesheetRegistration({ id }));
  }
  if (reg.addedBy) return (await discard(client, reg.addedBy)) ?? "Hours deleted (they had not been sent).";
  return "This registration's server id is not known yet; try again once the timesheet is refreshed.";
}

export async function deleteTimesheet(client: Client, account: Account, sheet: Timesheet) {
  if (sheet.id) {
    const id = sheet.id;
    return run(account, "Timesheet deleted", () => client.worksome.deleteTimesheet({ id }));
  }
  if (sheet.mark) return (await discard(client, sheet.mark.entry)) ?? "Timesheet deleted (it had not been sent).";
  return "This timesheet's server id is not known on this device.";
}

/** Discards an unsent entry; a sentence if it could not (being sent right now). */
async function discard(client: Client, entry: string): Promise<string | null> {
  try {
    await client.outbox.discard(entry);
    return null;
  } catch (e) {
    if (isOutboxError(e, "StorageError")) return "It is being sent right now; try again in a moment.";
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}
