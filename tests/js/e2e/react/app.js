// A small React app on graphql-outbox/react, written the way an app would (bare specifiers,
// React.createElement for lack of a JSX step): a pending-count badge (useOutbox) and a button
// that saves a profile edit (useMutation). The tests drive it through the DOM; `window.pkg`
// also gives them the package's entry for the store tests without React.
import { createElement as h, StrictMode } from "react";
import { createRoot } from "react-dom/client";
import init, { Client, createOutboxStore } from "graphql-outbox";
import { OutboxProvider, useClient, useMutation, useOutbox } from "graphql-outbox/react";

window.pkg = { Client, createOutboxStore };
window.outboxReady = init().then(() => true);

/** Opens a client on this origin's GC Directory endpoint. */
window.openClient = (database) => Client.open({
  endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` },
  token: async () => "gc-admin-token",
  user: "alice",
  database,
});

function Badge() {
  const s = useOutbox();
  return h("p", null,
    h("span", { id: "badge", "data-ready": String(s.ready) }, `pending ${s.pending}`), " ",
    h("span", { id: "online" }, s.online ? "online" : "offline"), " ",
    h("span", { id: "drain" }, `${s.drain.sending ? "sending" : "idle"} ${s.drain.done}/${s.drain.total}`));
}

function SaveTitle() {
  const [save, state] = useMutation((client, args) => client.gcdirectory.modifyProfile(args));
  const user = useClient().user;
  return h("p", null,
    h("button", { id: "save", onClick: () => save({ gcId: "1", data: { titleEn: `Saved by ${user}` } }) }, "Save"),
    // A mistake the schema catches: gcId is required. Its state must become "error".
    h("button", { id: "bad", onClick: () => save({ data: { titleEn: "no gcId" } }) }, "Bad"), " ",
    h("span", { id: "status" }, state.status), " ",
    h("span", { id: "id" }, state.id ?? ""), " ",
    h("span", { id: "data" }, state.data === undefined ? "" : JSON.stringify(state.data)), " ",
    h("span", { id: "error" }, state.error instanceof Error ? state.error.name : ""));
}

/** Opens a client on `database` and renders the app (in StrictMode, which double-runs effects). */
window.mountApp = async (database) => {
  await window.outboxReady;
  const client = await window.openClient(database);
  createRoot(document.getElementById("root")).render(
    h(StrictMode, null, h(OutboxProvider, { client }, h(Badge), h(SaveTitle))),
  );
};
