// Must type-check under `tsc --strict`: the outbox store and graphql-outbox/react used the way
// the README shows, with the mutation's state narrowed by `status` (no casts, no `any`).
import { createElement as h, type ReactElement } from "react";
import init, { Client, createOutboxStore, type Gcdirectory, type OutboxSnapshot, type OutboxStore } from "graphql-outbox";
import { OutboxProvider, useClient, useMutation, useOutbox, type MutationState } from "graphql-outbox/react";

async function storeUse(client: Client): Promise<void> {
  const store: OutboxStore = createOutboxStore(client);
  const unsubscribe: () => void = store.subscribe(() => {
    const s: OutboxSnapshot = store.getSnapshot();
    const pending: number = s.pending;
    const queued: number = s.counts.queued + s.counts.retrying;
    const progress = `${s.drain.done}/${s.drain.total}`;
    const busy: boolean = s.drain.sending;
    console.log(s.ready, s.online, pending, queued, progress, busy, s.error);
  });
  unsubscribe();
  store.destroy();
}

function Badge(): ReactElement {
  const { pending, online, drain } = useOutbox();
  return h("span", null, `${pending} ${online ? "" : "offline"} ${drain.done}/${drain.total}`);
}

function Save(): ReactElement {
  const client: Client = useClient();
  const [save, state] = useMutation((c: Client, args: Gcdirectory.ModifyProfileArgs) => c.gcdirectory.modifyProfile(args));
  const onClick = async (): Promise<void> => {
    const r = await save({ gcId: "1", data: { titleEn: "Lead" } });
    if (r?.status === "queued") console.log(r.id);
  };
  let label: string;
  switch (state.status) {
    case "sent": label = `saved ${state.id ?? ""} ${JSON.stringify(state.data)}`; break;
    case "queued": label = `queued ${state.id.length}`; break;
    case "error": label = `error ${String(state.error)}`; break;
    default: label = state.status;
  }
  return h("button", { onClick, title: client.user }, label);
}

// A function without the outbox's envelope: its data is the value itself.
function Upload({ owner }: { owner: string }): ReactElement {
  const [upload, state] = useMutation((c: Client, file: Blob) => c.worksome.uploadFile(file, { owner, name: "cv.pdf" }));
  const s: MutationState<Awaited<ReturnType<Client["worksome"]["uploadFile"]>>> = state;
  return h("button", { onClick: () => upload(new Blob(["x"])) }, s.status === "sent" ? s.data.id : "upload");
}

async function main(): Promise<void> {
  await init();
  const client = await Client.open({ endpoints: { gcdirectory: "https://profiles.example/graphql" }, token: async () => "t", user: "u" });
  await storeUse(client);
  const app = h(OutboxProvider, { client }, h(Badge), h(Save), h(Upload, { owner: "1" }));
  console.log(app);
}

main();
