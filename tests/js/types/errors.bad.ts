// Each line marked ERROR must be a type error; nothing else may be.
import { isOutboxError } from "graphql-outbox";

function f(e: unknown): void {
  console.log(e.details); // ERROR: unknown has no details until narrowed
  if (isOutboxError(e, "Oops")) console.log(e); // ERROR: not an error code
  if (isOutboxError(e, "AuthError")) console.log(e.details.reason); // ERROR: reason is StorageError's
  if (isOutboxError(e, "StorageError")) console.log(e.details.id); // ERROR: a StorageError names no entry
  if (isOutboxError(e)) {
    const r: "quota" = e.details.reason; // ERROR: details depend on the name, not narrowed yet
    console.log(r);
  }
}

export { f };
