// Start a weekly timesheet for one of the worker's hires (from the `viewer` query, cached, so
// the list is there offline too). Where the hires cannot be read (offline before they were ever
// read), the hire's id is typed instead.
import { useEffect, useState } from "react";
import { createTimesheet, isoDay, weekOf } from "../actions";
import { type Hire, hireLabel } from "../data";
import type { Ctx } from "./Shell";

export function NewTimesheet({ ctx, hires, hiresError }: { ctx: Ctx; hires: Hire[] | null; hiresError: string | null }) {
  const [hire, setHire] = useState("");
  const [day, setDay] = useState(() => isoDay(new Date()));
  const [busy, setBusy] = useState(false);
  const week = day ? weekOf(day) : null;
  // The hires arrive after the first render: preselect the first once known.
  const first = hires?.[0]?.id;
  useEffect(() => { if (first) setHire((h) => h || first); }, [first]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!hire.trim() || !day) { ctx.say("Pick a hire and a day of the week."); return; }
    setBusy(true);
    ctx.say(await createTimesheet(ctx.client, ctx.account, hire.trim(), day));
    setBusy(false);
  };

  const typed = !hires || hires.length === 0;
  return (
    <form className="card new" onSubmit={submit} aria-labelledby="new-title">
      <h2 id="new-title">New weekly timesheet</h2>
      <div className="row">
        {typed ? (
          <label>Hire ID
            <input name="hire" value={hire} onChange={(e) => setHire(e.target.value)} inputMode="numeric" required
                   aria-describedby="hire-hint" />
          </label>
        ) : (
          <label>Hire
            <select name="hire" value={hire} onChange={(e) => setHire(e.target.value)} required>
              {hires.map((h) => <option key={h.id} value={h.id}>{hireLabel(h)}</option>)}
            </select>
          </label>
        )}
        <label>Any day of the week
          <input name="day" type="date" value={day} onChange={(e) => setDay(e.target.value)} required />
        </label>
        <button type="submit" disabled={busy}>Start timesheet</button>
      </div>
      <p className="hint" id="hire-hint">
        {week ? <>Week {week.start} to {week.end}. </> : null}
        {typed && (hiresError ? "Your hires could not be read (offline?): type the hire's id." : hires ? "You have no hires." : "Reading your hires…")}
      </p>
    </form>
  );
}
