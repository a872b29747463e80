// The placeholder demo: one form per GC Directory mutation, each sent through the package.
import init, { Client } from "/pkg/graphql_outbox.js";

const examples = {
  modifyProfile: { gcId: "2", data: { titleEn: "Policy Analyst", address: { city: "Ottawa", postalCode: "K1A 0B1" } } },
  createOrgTier: { nameEn: "Open Data", nameFr: "Données ouvertes", organization: { id: "2" }, owner: { email: "sam.supervisor@canada.ca" } },
  modifyOrgTier: { id: "1", data: { descriptionEn: "Builds digital services" } },
  deleteOrgTier: { id: "1" },
  modifyApproval: { id: "5", data: { status: "Denied", deniedComment: "Please use your desk number" } },
};

const out = document.getElementById("result");
const show = (value) => { out.textContent = typeof value === "string" ? value : JSON.stringify(value, null, 2); };

await init();
const tokenSelect = document.getElementById("token");
const client = await Client.open({
  endpoints: { gcdirectory: new URL("/graphql/gcdirectory", location.href).href },
  token: async () => tokenSelect.value,
  user: "demo",
});

const host = document.getElementById("mutations");
for (const [name, args] of Object.entries(examples)) {
  const form = document.createElement("form");
  form.className = "mutation";
  form.dataset.mutation = name;
  form.innerHTML = `<h2>${name}</h2><textarea rows="5" spellcheck="false"></textarea><button type="submit">Send</button>`;
  form.querySelector("textarea").value = JSON.stringify(args, null, 2);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let parsed;
    try {
      parsed = JSON.parse(form.querySelector("textarea").value);
    } catch (e) {
      show(`The arguments are not JSON: ${e.message}`);
      return;
    }
    show(`Sending ${name}…`);
    try {
      show(await client.gcdirectory[name](parsed));
    } catch (e) {
      show({ error: e.name, message: e.message, details: e.details });
    }
  });
  host.append(form);
}
document.body.dataset.ready = "true";
