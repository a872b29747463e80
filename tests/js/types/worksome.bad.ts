// Must NOT type-check: each marked line has one mistake the Worksome declarations have to catch.
// typecheck.test.mjs checks that tsc reports an error on exactly the marked lines.
import { Client } from "graphql-outbox";

async function main(): Promise<void> {
  const client = await Client.open({ endpoints: {}, user: "u" });
  const w = client.worksome;
  await w.createTimesheet({ worker: "w1", hire: "h1", startDate: "2026-11-02" }); // ERROR: missing required endDate
  await w.createTimesheet({ worker: "w1", hire: "h1", startDate: "2026-11-02", endDate: "2026-11-08", registrations: [{ type: "NIGHT", date: "2026-11-02", duration: 8, unit: "HOURS" }] }); // ERROR: unknown enum value
  await w.createTimesheet({ worker: "w1", hire: "h1", startDate: "2026-11-02", endDate: "2026-11-08", registrations: [{ type: "DAY", date: "2026-11-02", duration: "8h", unit: "HOURS" }] }); // ERROR: duration is a number
  await w.updateTimesheetRegistration({ id: "r1", colour: "red" }); // ERROR: unknown field
  await w.uploadFiles({ owner: "c1", name: "a", size: 1, mimeType: "text/plain" }); // ERROR: takes a list
  await w.sendVerificationEmail({ email: "x@example.com" }); // ERROR: takes no arguments (only call options)
  await w.createJob({ company: "c1", name: "Site work" }); // ERROR: missing required skills
  await w.forceLogoutUser({}); // ERROR: designed input requires password
  const job = await w.endJob({ id: "j1", accountId: "c1" });
  if (job.status === "sent") {
    const n: string = job.data.number; // ERROR: number is a number
    console.log(n);
  }
  const mf = await w.verifyTotpMultiFactor({ id: "m1", code: "123456" });
  if (mf.status === "sent") {
    console.log(mf.data.id); // ERROR: the result is nullable
  }
  const removed = await w.removeMultiFactor({ id: "m1" });
  if (removed.status === "sent" && removed.data) {
    console.log(removed.data.phoneNumber); // ERROR: only SmsMultiFactor has phoneNumber
  }
  await w.impersonateUser({ user: "u2" }).then((r) => r.data.token); // ERROR: data only exists when sent
  await w.uploadFile("hello", { owner: "c1" }); // ERROR: takes a Blob, not a string
  const upd = await w.updateTimesheet({ id: "t1" });
  if (upd.status === "queued") console.log(upd.placeholders); // ERROR: only creates return placeholders
  await w.uploadFile(new Blob(["x"]), { name: "x.txt" }); // ERROR: owner is required
  const up = await w.uploadFile(new Blob(["x"]), { owner: "c1", name: "x.txt" });
  const url: number = up.url; // ERROR: url is a string
  console.log(url);
  await w.noSuchMutation({}); // ERROR: no such function
}

void main();
