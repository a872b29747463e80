// The reference server's seeded Worksome workers (server/fixtures/seed.json, listed in
// server/README.md). A demo sign-in: picking one hands its bearer token to the SDK's `token`
// callback. A real app would get the token from its login flow; it is never written to storage
// by the SDK, and this app keeps only the picked account's key in localStorage.
export interface Account {
  key: string;
  name: string;
  /** The Worker account id (createTimesheet's `worker`). */
  worker: string;
  token: string;
}

export const ACCOUNTS: readonly Account[] = [
  { key: "wanda", name: "Wanda Worker", worker: "3", token: "ws-worker-token" },
  { key: "walt", name: "Walt Walker", worker: "4", token: "ws-worker2-token" },
  { key: "wes", name: "Wes Waiting", worker: "6", token: "ws-worker3-token" },
];

export const accountByKey = (key: string | null | undefined): Account | null =>
  ACCOUNTS.find((a) => a.key === key) ?? null;

/** The outbox partition (`Client.open`'s `user`) of an account. */
export const outboxUser = (a: Account) => `worksome-worker-${a.worker}`;
export const accountByUser = (user: string): Account | null =>
  ACCOUNTS.find((a) => outboxUser(a) === user) ?? null;
