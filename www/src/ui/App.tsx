// Sign-in state and the client's life: one client per signed-in worker, closed on sign-out.
import { useEffect, useState } from "react";
import type { Client } from "graphql-outbox";
import { OutboxProvider } from "graphql-outbox/react";
import { type Account, accountByKey } from "../accounts";
import { openClient } from "../client";
import { SignIn } from "./SignIn";
import { Shell } from "./Shell";

const KEY = "timesheets.account";

export function App() {
  const [account, setAccount] = useState<Account | null>(() => accountByKey(localStorage.getItem(KEY)));
  const [client, setClient] = useState<Client | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!account) return;
    let live = true;
    let opened: Client | null = null;
    openClient(account, location.origin).then(
      (c) => { if (live) { opened = c; setClient(c); } else c.close(); },
      (e) => { if (live) setError(e instanceof Error ? `${e.name}: ${e.message}` : String(e)); },
    );
    return () => { live = false; setClient(null); opened?.close(); };
  }, [account]);

  const signIn = (a: Account) => { localStorage.setItem(KEY, a.key); setError(null); setAccount(a); };
  const signOut = () => { localStorage.removeItem(KEY); setAccount(null); };

  if (!account) return <SignIn onPick={signIn} />;
  if (error) return <main className="center"><p role="alert">Could not open the outbox: {error}</p><button onClick={signOut}>Sign out</button></main>;
  if (!client) return <main className="center"><p aria-busy="true">Opening your outbox…</p></main>;
  return (
    <OutboxProvider client={client}>
      <Shell account={account} client={client} onSignOut={signOut} />
    </OutboxProvider>
  );
}
