// Add or edit one day's hours: the day, start and end time (or just hours), a comment.
import { useId, useState } from "react";
import { fmtDay, hoursBetween, type RegistrationForm as Form } from "../actions";

interface Props {
  days: string[];
  initial: Form;
  /** The day cannot change once on the server (UpdateTimesheetRegistrationInput has no date). */
  fixedDay?: boolean;
  submitLabel: string;
  onSubmit: (f: Form) => Promise<void>;
  onCancel?: () => void;
}

export function RegistrationForm({ days, initial, fixedDay, submitLabel, onSubmit, onCancel }: Props) {
  const [f, setF] = useState<Form>(initial);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const set = (k: keyof Form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setF({ ...f, [k]: e.target.value });
  const span = f.startTime && f.endTime ? hoursBetween(f.startTime, f.endTime) : null;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try { await onSubmit(f); } finally { setBusy(false); }
  };

  return (
    <form className="regform" onSubmit={submit}>
      <label>Day
        {/* The form replaces the button that opened it: move focus into it, not to <body>. */}
        <select value={f.date} onChange={set("date")} disabled={fixedDay} name="date" autoFocus={!fixedDay}>
          {days.map((d) => <option key={d} value={d}>{fmtDay(d)}</option>)}
        </select>
      </label>
      <label>Start<input type="time" name="startTime" value={f.startTime} onChange={set("startTime")} autoFocus={fixedDay} /></label>
      <label>End<input type="time" name="endTime" value={f.endTime} onChange={set("endTime")} /></label>
      <label>Hours
        <input type="number" name="hours" min="0.25" max="24" step="0.25" inputMode="decimal"
               value={span !== null ? String(span) : f.hours} onChange={set("hours")} disabled={span !== null}
               aria-describedby={`${id}-h`} />
      </label>
      <label className="wide">Comment<input name="comments" value={f.comments} onChange={set("comments")} maxLength={500} /></label>
      <p className="hint wide" id={`${id}-h`}>Start and end give the hours; or leave them empty and type the hours.</p>
      <div className="actions wide">
        <button type="submit" disabled={busy}>{submitLabel}</button>
        {onCancel && <button type="button" className="secondary" onClick={onCancel}>Cancel</button>}
      </div>
    </form>
  );
}
