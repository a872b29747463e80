// A small React app on graphql-outbox/react, written the way an app would (bare specifiers,
// React.createElement for lack of a JSX step): a pending-count badge (useOutbox), a button
// that saves a profile edit (useMutation), and a profile shown live (useQuery) with a rename and
// a switch to another profile. The tests drive it through the DOM; `window.pkg` also gives them
// the package's entry for the store tests without React.
import { createElement as h, StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import init, { Client, GcdirectoryWatches, createOutboxStore, createQueryStore } from "graphql-outbox";
import { OutboxProvider, useClient, useMutation, useOutbox, useQuery } from "graphql-outbox/react";

window.pkg = { Client, GcdirectoryWatches, createOutboxStore, createQueryStore };

// Counts the profile watches started and stopped (through the generated class's method), so a
// test can tell a stopped watch from one whose callbacks are only ignored.
window.profileWatches = { started: 0, stopped: 0 };
const watchProfile = GcdirectoryWatches.prototype.profile;
GcdirectoryWatches.prototype.profile = function (...args) {
  const stop = watchProfile.apply(this, args);
  window.profileWatches.started += 1;
  return () => { window.profileWatches.stopped += 1; stop(); };
};
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

// Renders counted per profile view, so a test can tell a re-render loop (a new snapshot object
// per getSnapshot call) from a settled view.
window.profileRenders = 0;

function ProfileView({ gcId }) {
  window.profileRenders += 1;
  // An inline variables object, new on every render: compared as JSON, it must not restart the watch.
  const q = useQuery("gcdirectory", "profile", { gcId }, { policy: "network-first" });
  return h("p", null,
    h("span", { id: "q-status" }, q.status), " ",
    h("span", { id: "q-gcid" }, q.result?.data.profile?.gcId ?? ""), " ",
    h("span", { id: "q-name" }, q.result?.data.profile?.name ?? ""), " ",
    h("span", { id: "q-pending" }, q.result ? q.result.pending.join(",") : ""), " ",
    h("span", { id: "q-source" }, q.result?.source ?? ""), " ",
    h("span", { id: "q-error" }, q.error instanceof Error ? q.error.name : ""));
}

function ProfileApp({ first, second, newName }) {
  const [gcId, setGcId] = useState(first);
  const [rename, state] = useMutation((client, args) => client.gcdirectory.modifyProfile(args));
  return h("div", null,
    h(ProfileView, { gcId }),
    h("button", { id: "rename", onClick: () => rename({ gcId, data: { name: newName } }) }, "Rename"), " ",
    h("button", { id: "switch", onClick: () => setGcId(second) }, "Switch"), " ",
    h("span", { id: "rename-status" }, state.status), " ",
    h("span", { id: "rename-id" }, state.id ?? ""));
}

/** Renders the live profile app (in StrictMode) on a client of `database`. */
window.mountProfile = async (database, props) => {
  await window.outboxReady;
  const client = await window.openClient(database);
  createRoot(document.getElementById("root")).render(
    h(StrictMode, null, h(OutboxProvider, { client }, h(ProfileApp, props))),
  );
};

/** Opens a client on `database` and renders the app (in StrictMode, which double-runs effects). */
window.mountApp = async (database) => {
  await window.outboxReady;
  const client = await window.openClient(database);
  createRoot(document.getElementById("root")).render(
    h(StrictMode, null, h(OutboxProvider, { client }, h(Badge), h(SaveTitle))),
  );
};
