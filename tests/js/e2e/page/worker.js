// A module dedicated worker running the package, driven by the page (`startWorker` and
// `workerStep` in page.js) through the steps of remote.js.
import init from "/pkg/graphql_outbox.js";
import { steps, answer } from "./remote.js";

const ready = init();
const table = steps({ client: null });

self.onmessage = (e) => { ready.then(() => answer(table, e.data, e.ports[0])); };
