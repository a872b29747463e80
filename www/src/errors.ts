// An outbox entry's failure in the server's own words.
import type { EntryError } from "graphql-outbox";

/**
 * The first error's message with its code, else the entry's error message. For a 4xx whose body
 * is not GraphQL the SDK writes `HTTP <status>: <what the body says>` there, with the body's
 * `error.code` as the code.
 */
export function errorText(err: EntryError | null | undefined): string {
  if (!err) return "";
  const first = err.errors?.[0];
  if (!first) return err.message;
  const code = first.extensions?.code;
  return code ? `${first.message} (${code})` : first.message;
}
