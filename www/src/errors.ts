// An outbox entry's failure in the server's own words.
import type { EntryError } from "graphql-outbox";

/**
 * The first error's message (and code), else the entry's error message. Read defensively: for a
 * 4xx whose body is not GraphQL (`{"error":{"code","message"}}`), this SDK build puts that
 * object where the type says `message: string`.
 */
export function errorText(err: EntryError | null | undefined): string {
  if (!err) return "";
  const first = err.errors?.[0] as { message?: unknown; extensions?: { code?: unknown } } | undefined;
  const m = first?.message;
  const inner = typeof m === "object" && m !== null ? (m as { message?: unknown; code?: unknown }) : null;
  const text = typeof m === "string" ? m : typeof inner?.message === "string" ? inner.message : null;
  const code = first?.extensions?.code ?? inner?.code;
  if (!text) return err.message;
  return typeof code === "string" ? `${text} (${code})` : text;
}
