// The demo sign-in: the reference server's seeded workers.
import { type Account, ACCOUNTS } from "../accounts";

export function SignIn({ onPick }: { onPick: (a: Account) => void }) {
  return (
    <main className="center signin">
      <h1>Timesheets</h1>
      <p>Log your hours on site, with or without signal. They reach Worksome when you are back online.</p>
      <h2 id="who">Sign in as</h2>
      <ul aria-labelledby="who" className="accounts">
        {ACCOUNTS.map((a) => (
          <li key={a.key}>
            <button className="account" onClick={() => onPick(a)} data-account={a.key}>
              <span className="avatar" aria-hidden="true">{a.name.split(" ").map((w) => w[0]).join("")}</span>
              <span>{a.name}<small>Worker {a.worker}</small></span>
            </button>
          </li>
        ))}
      </ul>
      <p className="hint">Demo accounts of the reference server; the token goes to the SDK's <code>token</code> callback and stays in memory.</p>
    </main>
  );
}
