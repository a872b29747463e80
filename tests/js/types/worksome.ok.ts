// Must type-check under `tsc --strict`: every one of the 80 Worksome functions called with
// correctly typed arguments, and each result used through its precise type (no `any` anywhere
// to hide a mistake). The first part shows realistic use; the second calls all 80 in the order
// of tests/data/mutations.tsv.
import init, { Client, Worksome, MutationResult } from "graphql-outbox";

async function realistic(w: Client["worksome"]): Promise<void> {
  // Nested inputs with custom scalars as documented string aliases.
  const registrations: Worksome.TimesheetRegistrationInput[] = [
    { type: "DAY", date: "2026-11-02", startTime: "08:00", endTime: "16:30", duration: 8, unit: "HOURS" },
    { type: "BREAK", date: "2026-11-02", duration: 0.5, unit: "HOURS", comments: "lunch", isBillable: false },
    {
      type: "LINE",
      date: "2026-11-03",
      duration: 1,
      unit: "DAYS",
      customFieldValues: [{ freeText: { slug: "po-number", value: "PO-1" } }],
    },
  ];
  const args: Worksome.CreateTimesheetArgs = { worker: "w1", hire: 7, startDate: "2026-11-02", endDate: "2026-11-08", registrations };
  const t: MutationResult<Worksome.CreateTimesheetResult> = await w.createTimesheet(args);
  if (t.status === "sent") {
    // createTimesheet returns a nullable Timesheet.
    const ids: string[] = t.data ? t.data.registrations.data.map((r) => r.id) : [];
    const total: number | undefined = t.data?.registrations.paginatorInfo.total;
    const start: Worksome.Date | null | undefined = t.data?.startDate;
    console.log(ids, total, start);
  } else {
    const queued: "queued" = t.status;
    console.log(queued, t.id);
  }
  // A create queued offline returns a placeholder for the new id, usable in later ID arguments.
  const created = await w.createTimesheet(args);
  if (created.status === "queued") {
    const tmp: string = created.placeholders.id;
    await w.updateTimesheet({ id: tmp, endDate: "2026-11-09", registrations });
  }
  const mfa = await w.createSmsMultiFactor({ name: "phone" });
  if (mfa.status === "queued") console.log(mfa.placeholders.multiFactor.id);

  // A union result narrows on __typename.
  const removed = await w.removeMultiFactor({ id: "mf1" });
  if (removed.status === "sent" && removed.data) {
    switch (removed.data.__typename) {
      case "SmsMultiFactor": {
        const phone: string = removed.data.phoneNumber;
        console.log(phone);
        break;
      }
      case "TotpMultiFactor": {
        const status: Worksome.MultiFactorStatus = removed.data.status;
        console.log(status);
        break;
      }
    }
  }

  // A union field inside an object result (Notable), and enums as string unions.
  const note = await w.createNote({ body: "Called the worker", accountId: "c1", notableId: "j1" });
  if (note.status === "sent") {
    const on: "Job" | "TrustedContact" | "CompanyRecruiter" = note.data.notable.__typename;
    console.log(on, note.data.notable.id, note.data.title);
  }
  const files = await w.uploadFiles([{ owner: "c1", name: "cv.pdf", size: 1024, mimeType: "application/pdf" }]);
  if (files.status === "sent") {
    const urls: Worksome.URL[] = files.data.map((f) => f.url);
    console.log(urls);
  }
  // The upload helper: one call for uploadFiles + PUT + markFilesAsUploaded.
  const file = new File(["hello"], "hello.txt", { type: "text/plain" });
  const uploaded: Worksome.MarkFilesAsUploadedResult[number] = await w.uploadFile(file, { owner: "c1" });
  const size: number = uploaded.size;
  console.log(uploaded.id, uploaded.name, size);
  await w.uploadFile(new Blob([new Uint8Array([1, 2])]), { owner: 5, name: "raw.bin", mimeType: "application/octet-stream" });
  // A mutation without arguments takes nothing.
  const v = await w.sendVerificationEmail();
  if (v.status === "sent") console.log(v.data.id);
}

async function everyFunction(w: Client["worksome"]): Promise<void> {
  {
    const r = await w.createSmsMultiFactor({ name: "text" });
    if (r.status === "sent") {
      const id: string = r.data.multiFactor.id;
      console.log(id);
    }
  }
  {
    const r = await w.verifySmsMultiFactor({ id: "1", code: "text" });
    if (r.status === "sent") {
      const id: string | undefined = r.data?.id;
      console.log(id);
    }
  }
  {
    const r = await w.createTotpMultiFactor({ name: "text" });
    if (r.status === "sent") {
      const secret: string = r.data.secret;
      const qr: string = r.data.qrCode;
      console.log(secret, qr, r.data.multiFactor.id);
    }
  }
  {
    const r = await w.verifyTotpMultiFactor({ id: "1", code: "text" });
    if (r.status === "sent") {
      const id: string | undefined = r.data?.id;
      console.log(id);
    }
  }
  {
    const r = await w.removeMultiFactor({ id: "1" });
    if (r.status === "sent") {
      const t: "SmsMultiFactor" | "TotpMultiFactor" | undefined = r.data?.__typename;
      console.log(t);
    }
  }
  {
    const r = await w.updatePassword({ currentPassword: "text", password: "text", passwordConfirmation: "text" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createPassword({ password: "text" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.sendVerificationEmail();
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.changeEmail({ email: "text" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.forceLogoutUser({ password: "text" });
    if (r.status === "sent") {
      const n: number = r.data.invalidatedSessions;
      const user: string = r.data.user.id;
      console.log(n, user);
    }
  }
  {
    const r = await w.impersonateUser({ user: "1" });
    if (r.status === "sent") {
      const token: string = r.data.token;
      const by: string | undefined = r.data.impersonator?.id;
      const expires: Worksome.DateTime | null = r.data.expiresAt;
      console.log(token, by, expires);
    }
  }
  {
    const r = await w.createCustomTimesheet({ schema: "text", data: "text" });
    if (r.status === "sent") {
      const rejected: Worksome.CustomTimesheetRejectionReason[] = r.data.rejectedRegistrations.map((x) => x.reason);
      const ok: number = r.data.successfulRegistrations;
      console.log(rejected, ok);
    }
  }
  {
    const r = await w.createApprovalRule({ approval: "1", rules: [{ id: "text", rule: { value: "text", operator: "LESS" } }] });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createApproval({ name: "text", status: "ACTIVE", trigger: "NONE", company: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateApproval({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createApprover({ approvalRule: "1", userGroup: "1", position: 1 });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateApprover({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.actionApprovalApprovable({ id: "1" });
    if (r.status === "sent") {
      const id: string | undefined = r.data?.id;
      console.log(id);
    }
  }
  {
    const r = await w.storeBankDetails({ accountId: "1", bankAddress: "text", bankCountry: "text", bankName: "text", beneficiaryName: "text" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.generateInviteLink({ company: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createCompanyRecruiter({ company: "1", name: "text", email: "text" });
    if (r.status === "sent") {
      const id: string | undefined = r.data?.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateCompanyRecruiter({ id: "1" });
    if (r.status === "sent") {
      const id: string | undefined = r.data?.id;
      console.log(id);
    }
  }
  {
    const r = await w.deleteCompanyRecruiter({ id: "1" });
    if (r.status === "sent") {
      const id: string | undefined = r.data?.id;
      console.log(id);
    }
  }
  {
    const r = await w.inviteCompanyRecruiter({ id: "1", company: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createCustomField({ account: "1", appliesTo: "JOB", title: "text", settings: { validation: ["REQUIRED"] } });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateCustomField({ customField: "1", title: "text", visibility: "INTERNAL" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.deleteCustomField({ customField: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.uploadFiles([{ owner: "1", name: "text", size: 1, mimeType: "text" }]);
    if (r.status === "sent") {
      const ids: string[] = r.data.map((x) => x.id);
      console.log(ids);
    }
  }
  {
    const r = await w.markFilesAsUploaded({ files: ["1"] });
    if (r.status === "sent") {
      const ids: string[] = r.data.map((x) => x.id);
      console.log(ids);
    }
  }
  {
    const r = await w.acceptBid({ bid: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.rejectHire({ account: "1", hire: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.hire({ company: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createJob({ company: "1", name: "text", skills: ["text"] });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateJob({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.endJob({ id: "1", accountId: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.setInternalBudgetOnJob({ job: "1", amount: 1.5 });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createJobCandidate({ job: "1", workers: ["1"], sourcingChannel: "TRUSTED_CONTACT" });
    if (r.status === "sent") {
      const ids: string[] = r.data.map((x) => x.id);
      console.log(ids);
    }
  }
  {
    const r = await w.updateJobCandidateStatus({ jobCandidate: "1", status: "ELIGIBLE" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateJobCandidatePreferred({ jobCandidate: "1", isPreferred: true });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createJobShare({ job: "1", accounts: ["1"] });
    if (r.status === "sent") {
      const ids: string[] = r.data.map((x) => x.id);
      console.log(ids);
    }
  }
  {
    const r = await w.removeJobShare({ ids: ["1"] });
    if (r.status === "sent") {
      const ids: string[] = r.data.map((x) => x.id);
      console.log(ids);
    }
  }
  {
    const r = await w.createNote({ body: "text", accountId: "1", notableId: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateNote({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.deleteNote({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createPaymentRequest({ worker: "1", job: "1", company: "1", hire: "1", startDate: "2026-11-02", comments: "text" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updatePaymentRequest({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.deletePaymentRequest({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createProject({ name: "text", company: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateProject({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.deleteProject({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.attachJobsToProject({ jobs: ["1"], project: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.detachJobFromProject({ job: "1", project: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.endProject({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.openProject({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createRecruiterCandidate({ recruiter: "1", firstName: "text", lastName: "text", email: "text", currency: "text", tags: ["text"], links: ["text"] });
    if (r.status === "sent") {
      const id: string | undefined = r.data?.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateRecruiterCandidate({ id: "1" });
    if (r.status === "sent") {
      const id: string | undefined = r.data?.id;
      console.log(id);
    }
  }
  {
    const r = await w.deleteRecruiterCandidate({ id: "1" });
    if (r.status === "sent") {
      const id: string | undefined = r.data?.id;
      console.log(id);
    }
  }
  {
    const r = await w.createTimesheet({ worker: "1", hire: "1", startDate: "2026-11-02", endDate: "2026-11-02" });
    if (r.status === "sent") {
      const id: string | undefined = r.data?.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateTimesheet({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.deleteTimesheet({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateTimesheetRegistration({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.deleteTimesheetRegistration({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createTrustedContact({ company: "1", firstName: "text", lastName: "text", email: "text", links: ["text"], attachments: ["1"], skills: ["text"], origin: "INVITED", originChannel: "EXISTING_SETUP" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateTrustedContact({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.deleteTrustedContact({ id: "1", account: "1" });
    if (r.status === "sent") {
      const id: string | undefined = r.data?.id;
      console.log(id);
    }
  }
  {
    const r = await w.approveTrustedContact({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.blockTrustedContact({ id: "1", account: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createUserGroup({ name: "text", status: "ACTIVE", company: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateUserGroup({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.deleteUserGroup({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.attachUsersToUserGroup({ userGroup: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.detachUsersFromUserGroup({ userGroup: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createWebhook({ title: "text", url: "text", company: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateWebhook({ id: "1", title: "text", url: "text" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.deleteWebhook({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateWorker({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createWorkflow({ root: { data: { name: "text", status: "ACTIVE", trigger: "NONE", company: "1" } } });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.updateWorkflow({ root: { data: { name: "text" } } });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.deleteWorkflow({ id: "1" });
    if (r.status === "sent") {
      const id: string = r.data.id;
      console.log(id);
    }
  }
  {
    const r = await w.createExport({ userId: 1, accountId: 1, accountType: "text", type: "text", generatorType: "text", deliveries: ["text"], args: { companies: [1] } });
    if (r.status === "sent") {
      const status: Worksome.ExportResponseStatus | undefined = r.data?.status;
      console.log(status, r.data?.message);
    }
  }
}

async function main(): Promise<void> {
  await init();
  const client = await Client.open({
    endpoints: { worksome: "https://api.worksome.example/graphql" },
    token: async (api) => (api === "worksome" ? "token" : null),
    user: "account-42",
  });
  await realistic(client.worksome);
  await everyFunction(client.worksome);
}

void main();
