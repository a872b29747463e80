// The badge on anything an unsent (or refused) outbox entry touched.
import { errorText } from "../errors";
import type { Mark as M } from "../journal";

const LABEL: Record<string, string> = {
  queued: "Pending", sending: "Sending…", retrying: "Pending (retrying)", auth: "Pending (sign-in)",
  blocked: "Pending (waits)", dead: "Not accepted", unknown: "Unknown outcome", sent: "Sent", discarded: "Discarded",
};

export function Mark({ mark }: { mark: M }) {
  if (!mark) return null;
  const bad = mark.state === "dead" || mark.state === "unknown";
  const label = LABEL[mark.state] ?? mark.state;
  return (
    <span className={`mark ${bad ? "bad" : "pending"}`} data-state={mark.state}
          title={bad && mark.error ? errorText(mark.error) : undefined}>
      {label}
    </span>
  );
}
