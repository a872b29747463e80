// One weekly timesheet: its days' registrations (edit, delete), an add form, delete the sheet.
// Worksome's API has no "submit timesheet" mutation, so there is no Submit button: the company
// sees registrations as they arrive.
import { useState } from "react";
import { addRegistration, deleteRegistration, deleteTimesheet, editRegistration, fmtDay, isoDay, type RegistrationForm as Form } from "../actions";
import type { Registration, Timesheet } from "../journal";
import { errorText } from "../errors";
import { Mark } from "./Mark";
import { RegistrationForm } from "./RegistrationForm";
import type { Ctx } from "./Shell";

function daysOf(t: Timesheet): string[] {
  const out: string[] = [];
  const d = new Date(`${t.startDate}T12:00:00`);
  for (let i = 0; i < 7 && isoDay(d) <= t.endDate; i++, d.setDate(d.getDate() + 1)) out.push(isoDay(d));
  return out;
}
const fmtHours = (h: number) => `${Math.round(h * 100) / 100} h`;

export function TimesheetCard({ ctx, sheet }: { ctx: Ctx; sheet: Timesheet }) {
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const days = daysOf(sheet);
  // Refused adds are shown (to retry or discard) but not counted.
  const total = sheet.registrations.filter((r) => r.mark?.state !== "dead").reduce((n, r) => n + r.duration, 0);
  const titleId = `ts-${sheet.key}`;
  const canAdd = !!sheet.id;

  const add = async (f: Form) => {
    const msg = await addRegistration(ctx.client, ctx.account, sheet, f);
    ctx.say(msg);
    if (!/^Pick|^Give|^The end/.test(msg)) setAdding(false);
  };

  return (
    <section className="card sheet" aria-labelledby={titleId} data-timesheet={sheet.id ?? ""}
             data-origin={sheet.origin ?? "device"}>
      <header>
        {/* Weeks run Monday to Sunday: the start names the week, and fits beside Delete at 390 px. */}
        <h3 id={titleId}>Week of {fmtDay(sheet.startDate)}</h3>
        <Mark mark={sheet.mark} />
        <span className="meta">{fmtHours(total)} this week</span>
        <button className="secondary danger" onClick={async () => {
          if (confirm("Delete this timesheet and its hours?")) ctx.say(await deleteTimesheet(ctx.client, ctx.account, sheet));
        }} aria-label={`Delete timesheet ${sheet.startDate}`}>Delete</button>
      </header>
      {sheet.mark?.state === "dead" && sheet.mark.error && <p className="error">{errorText(sheet.mark.error)}</p>}
      {sheet.registrations.length === 0 && <p className="empty">No hours yet.</p>}
      <ul className="regs">
        {sheet.registrations.map((r) => (
          <li key={r.key} data-registration={r.id ?? r.key} data-pending={r.mark ? "true" : "false"}>
            {editing === r.key ? (
              <RegistrationForm days={days} fixedDay submitLabel="Save" initial={formOf(r)} onCancel={() => setEditing(null)}
                onSubmit={async (f) => { ctx.say(await editRegistration(ctx.client, ctx.account, sheet, r, f)); setEditing(null); }} />
            ) : (
              <RegistrationRow r={r} onEdit={() => setEditing(r.key)}
                onDelete={async () => ctx.say(await deleteRegistration(ctx.client, ctx.account, r))} />
            )}
          </li>
        ))}
      </ul>
      {canAdd && (adding ? (
        <RegistrationForm days={days} submitLabel="Add hours" onSubmit={add} onCancel={() => setAdding(false)}
          initial={{ date: days.find((d) => d === isoDay(new Date())) ?? days[0] ?? "", startTime: "08:00", endTime: "16:00", hours: "", comments: "" }} />
      ) : (
        <button className="add" onClick={() => setAdding(true)}>Add hours</button>
      ))}
    </section>
  );
}

function formOf(r: Registration): Form {
  return { date: r.date, startTime: r.startTime ?? "", endTime: r.endTime ?? "", hours: String(r.duration), comments: r.comments ?? "" };
}

function RegistrationRow({ r, onEdit, onDelete }: { r: Registration; onEdit: () => void; onDelete: () => void }) {
  const time = r.startTime && r.endTime ? `${r.startTime}–${r.endTime}` : "";
  const label = `${fmtDay(r.date)}${time ? ` ${time}` : ""}`;
  return (
    <div className="reg">
      <div className="info">
        <span className="when">{fmtDay(r.date)} {time && <span className="time">{time}</span>}</span>
        <span className="hours">{fmtHours(r.duration)}</span>
        <Mark mark={r.mark} />
        {r.comments && <span className="comment">{r.comments}</span>}
        {r.mark?.state === "dead" && r.mark.error && <span className="error">{errorText(r.mark.error)}</span>}
      </div>
      <span className="rowactions">
        <button className="secondary" onClick={onEdit} aria-label={`Edit ${label}`}>Edit</button>
        <button className="secondary danger" onClick={onDelete} aria-label={`Delete ${label}`}>Delete</button>
      </span>
    </div>
  );
}
