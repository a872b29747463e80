// The reference server every benchmark runs against, in release mode: $OUTBOX_SERVER_BIN, else
// cargo builds it (a no-op when it is up to date; a binary that merely exists may predate the
// checkout, e.g. without batches). Sets $OUTBOX_SERVER_BIN, which the e2e harness's startServer
// reads, and returns the binary's path.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export function useReleaseServer(root, log) {
  const target = resolve(root, process.env.CARGO_TARGET_DIR ?? "target");
  const bin = process.env.OUTBOX_SERVER_BIN ?? join(target, "release", "outbox-server");
  if (!process.env.OUTBOX_SERVER_BIN) {
    log("cargo build --release -p outbox-server");
    execFileSync("cargo", ["build", "--release", "-p", "outbox-server"], { cwd: root, stdio: "inherit" });
  }
  if (!existsSync(bin)) throw new Error(`no server binary at ${bin}`);
  process.env.OUTBOX_SERVER_BIN = bin;
  return bin;
}
