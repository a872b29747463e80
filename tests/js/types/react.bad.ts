// Must NOT type-check: each line marked ERROR is a mistake the declarations of the outbox
// store and graphql-outbox/react must catch; every other line is correct.
import { createElement as h } from "react";
import { Client, createOutboxStore, type Gcdirectory } from "graphql-outbox";
import { OutboxProvider, useMutation, useOutbox } from "graphql-outbox/react";

declare const client: Client;

const store = createOutboxStore(client);
store.subscribe((snapshot: number) => console.log(snapshot)); // ERROR: listeners get no argument
const s = store.getSnapshot();
s.pending = 2; // ERROR: the snapshot is read-only
console.log(s.counts.waiting); // ERROR: not an entry state
createOutboxStore({ outbox: {} }); // ERROR: not a Client

function Bad() {
  const { drain } = useOutbox();
  const done: string = drain.done; // ERROR: a number
  const [save, state] = useMutation((c: Client, args: Gcdirectory.ModifyProfileArgs) => c.gcdirectory.modifyProfile(args));
  save({ gcId: "1", data: { titleEn: 3 } }); // ERROR: titleEn is a string
  if (state.status === "queued") console.log(state.data.title); // ERROR: no data while queued
  if (state.status === "pendng") console.log(state); // ERROR: no such status
  const id: string = state.id; // ERROR: undefined unless queued
  return h("p", null, done, id);
}

h(OutboxProvider, { children: h(Bad) }); // ERROR: client is required
