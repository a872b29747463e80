// Opens the SDK the same way in the page and in the service worker, so both drain one outbox
// (same database name and user partition; the SDK's Web Lock and claims keep one sender) and
// write what they send into the cache the same way.
import init, { Client } from "graphql-outbox";
import { type Account, outboxUser } from "./accounts";
import { updates } from "./updates";

export const DATABASE = "timesheets";

let ready: Promise<unknown> | null = null;

export async function openClient(account: Account, origin: string): Promise<Client> {
  ready ??= init();
  await ready;
  return Client.open({
    endpoints: { worksome: new URL("/graphql/worksome", origin).href },
    token: async () => account.token,
    user: outboxUser(account),
    database: DATABASE,
    // A phone on and off the network: retry soon after a blip, never wait more than 30 s.
    outbox: { baseDelayMs: 1000, maxDelayMs: 30_000 },
    // Where new timesheets and added hours show in the cached queries, here and in the service
    // worker (which may be the one that sends them and stores the server's answer).
    cache: { updates },
  });
}

/**
 * The Background Sync tag that makes the service worker drain `account`'s outbox: the SDK's own
 * (`<database name>:<user>`, its database being `graphql-outbox:<database>`), which the SDK in
 * the service worker registers too when it leaves entries waiting, and which
 * `client.syncEvent(event)` answers. One tag per queue: the page and the worker never ask twice.
 */
export const SYNC_TAG_PREFIX = `graphql-outbox:${DATABASE}:`;
export const syncTag = (account: Account) => SYNC_TAG_PREFIX + outboxUser(account);
