// Start a weekly timesheet for a hire. The hire is typed (or picked from hires this device has
// used): listing the worker's hires is a read, which needs the offline cache (issue 8).
import { useEffect, useState } from "react";
import { createTimesheet, isoDay, weekOf } from "../actions";
import type { Ctx } from "./Shell";

export function NewTimesheet({ ctx, knownHires }: { ctx: Ctx; knownHires: string[] }) {
  const [hire, setHire] = useState(knownHires[0] ?? "");
  const [day, setDay] = useState(() => isoDay(new Date()));
  const [busy, setBusy] = useState(false);
  const week = day ? weekOf(day) : null;
  // The outbox is read after the first render: offer the hire last used once it is known.
  const lastHire = knownHires[0];
  useEffect(() => { if (lastHire) setHire((h) => h || lastHire); }, [lastHire]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!hire.trim() || !day) { ctx.say("Give a hire and a day of the week."); return; }
    setBusy(true);
    ctx.say(await createTimesheet(ctx.client, ctx.account, hire.trim(), day));
    setBusy(false);
  };

  return (
    <form className="card new" onSubmit={submit} aria-labelledby="new-title">
      <h2 id="new-title">New weekly timesheet</h2>
      <div className="row">
        <label>Hire ID
          <input name="hire" value={hire} onChange={(e) => setHire(e.target.value)} inputMode="numeric"
                 list="known-hires" required aria-describedby="hire-hint" />
        </label>
        <datalist id="known-hires">{knownHires.map((h) => <option key={h} value={h} />)}</datalist>
        <label>Any day of the week
          <input name="day" type="date" value={day} onChange={(e) => setDay(e.target.value)} required />
        </label>
        <button type="submit" disabled={busy}>Start timesheet</button>
      </div>
      <p className="hint" id="hire-hint">
        {week ? <>Week {week.start} to {week.end}. </> : null}
        The demo's Wanda Worker has hire 110.
      </p>
    </form>
  );
}
