// The popup only talks to the service worker (which owns the SDK): the popup closes whenever
// the user clicks away, so nothing may depend on it staying open.
const $ = (id) => document.getElementById(id);

async function ask(msg) {
  const r = await chrome.runtime.sendMessage(msg);
  if (r?.error) throw Object.assign(new Error(r.error.message), r.error);
  return r?.ok;
}

function render(s) {
  if (!s) return;
  if (document.activeElement !== $("server")) $("server").value = s.config.server;
  const sel = $("gcId");
  if (sel.options.length === 0) {
    for (const [id, p] of Object.entries(s.profiles)) sel.add(new Option(`${p.name} (gcId ${id})`, id));
  }
  if (document.activeElement !== sel) sel.value = s.config.gcId;
  $("pending").textContent = String(s.pending);
  $("entries").replaceChildren(...s.entries.map((e) => {
    const li = document.createElement("li");
    li.dataset.state = e.state;
    li.className = e.state === "dead" ? "dead" : "";
    li.textContent = `${e.title ?? "?"}: ${e.state}${e.error ? ` (${e.error})` : ""}`;
    return li;
  }));
}

const show = (t) => { $("status").textContent = t; };
const refresh = () => ask({ type: "state" }).then(render, (e) => show(`${e.name}: ${e.message}`));

$("settings").addEventListener("submit", (ev) => {
  ev.preventDefault();
  ask({ type: "configure", server: $("server").value, gcId: $("gcId").value })
    .then((s) => { render(s); show("Settings saved."); }, (e) => show(`${e.name}: ${e.message}`));
});
$("title").addEventListener("submit", (ev) => {
  ev.preventDefault();
  show("Saving…");
  ask({ type: "modifyProfile", titleEn: $("titleEn").value }).then(
    (r) => { show(r.status === "sent" ? "Sent." : "Saved; it will be sent when the server is reachable."); refresh(); },
    (e) => show(`${e.name}: ${e.message}`),
  );
});
$("sync").addEventListener("click", () => ask({ type: "sync" }).then(render, (e) => show(`${e.name}: ${e.message}`)));

refresh();
setInterval(refresh, 1000);
