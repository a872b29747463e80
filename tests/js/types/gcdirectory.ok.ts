// Must type-check under `tsc --strict`: every GC Directory function called the way the docs show,
// with results used through their precise types (no `any` anywhere to hide a mistake).
import init, { Client, Gcdirectory, MutationResult, ErrorCode } from "graphql-outbox";

async function main(): Promise<void> {
  await init();
  const client = await Client.open({
    endpoints: { gcdirectory: "https://profiles.example/graphql" },
    token: async (api) => (api === "gcdirectory" ? "token" : null),
    user: "account-42",
  });

  const p = await client.gcdirectory.modifyProfile({
    gcId: "2",
    data: { name: "Uma", address: { postalCode: "K1A 0B1", city: "Ottawa" }, team: { id: 7 } },
  });
  if (p.status === "sent") {
    const name: string = p.data.name;
    const team: string | null = p.data.team ? p.data.team.id : null;
    const role: Gcdirectory.UserRole = p.data.role;
    const approvals: string[] = p.data.outstandingApprovals.map((a) => a.id);
    console.log(name, team, role, approvals);
  } else {
    const queued: "queued" = p.status;
    console.log(queued, p.id);
  }

  const created = await client.gcdirectory.createOrgTier({
    nameEn: "Open Data",
    nameFr: "Données ouvertes",
    organization: { id: "2" },
    owner: { email: "sam@canada.ca" },
  });
  if (created.status === "sent") {
    const org: string = created.data.organization.id;
    const owner: string | undefined = created.data.owner?.gcId;
    const members: number = created.data.members.length;
    console.log(org, owner, members);
  }

  const args: Gcdirectory.ModifyOrgTierArgs = { id: "7", data: { nameEn: "Renamed", owner: { gcID: "3" } } };
  const modified: MutationResult<Gcdirectory.ModifyOrgTierResult> = await client.gcdirectory.modifyOrgTier(args);
  console.log(modified.id);

  const deleted = await client.gcdirectory.deleteOrgTier({ id: 7 });
  if (deleted.status === "sent") {
    const ok: boolean = deleted.data;
    console.log(ok);
  }

  const status: Gcdirectory.Status = "Denied";
  const approval = await client.gcdirectory.modifyApproval({ id: "23", data: { status, deniedComment: "blah" } });
  if (approval.status === "sent") {
    const s: "Pending" | "Approved" | "Denied" = approval.data.status;
    const submitter: string | undefined = approval.data.gcIDSubmitter?.gcId;
    console.log(s, submitter, approval.data.requestedChange.id);
  }

  try {
    await client.gcdirectory.deleteOrgTier({ id: "1" });
  } catch (e) {
    const code = (e as Error).name as ErrorCode;
    console.log(code);
  }
}

void main();
