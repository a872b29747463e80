// Typed errors: `isOutboxError` narrows `unknown` to the SDK's error, and its name narrows `details`.
import { Client, isOutboxError, ERROR_NAMES, type OutboxError, type ErrorCode } from "graphql-outbox";

async function main(client: Client): Promise<void> {
  try {
    await client.gcdirectory.modifyApproval({ id: "23", data: { status: "Denied" } });
  } catch (e) {
    if (isOutboxError(e, "AuthError")) {
      const status: number | null = e.details.status;
      const id: string | undefined = e.details.id;
      console.log(status, id);
    } else if (isOutboxError(e, "ValidationError")) {
      const path: string = e.details.path;
      console.log(path, e.details.operation, e.details.reason);
    } else if (isOutboxError(e, "StorageError")) {
      const reason: "quota" | "unavailable" | "other" = e.details.reason;
      console.log(reason);
    } else if (isOutboxError(e)) {
      // Any code: switch on the name.
      switch (e.name) {
        case "GraphQLError":
          console.log(e.details.errors[0]?.extensions?.code, e.details.status);
          break;
        case "NetworkError":
          console.log(e.details.retryAfterMs, e.details.state === "unknown");
          break;
        case "NotFoundError":
          console.log(e.details.id.length);
          break;
        default:
          console.log(e.message);
      }
    }
  }
  const names: readonly ErrorCode[] = ERROR_NAMES;
  const upload = (e: OutboxError<"UploadError">) => e.details.step === "put" && e.details.status >= 400;
  console.log(names, upload);
}

export { main };
