// Entry: registers the service worker (so the app loads offline after this visit), then renders.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./ui/App";
import "./style.css";

if ("serviceWorker" in navigator) {
  // A module worker: it imports the package (ES module with import.meta.url for its wasm).
  navigator.serviceWorker
    .register(import.meta.env.DEV ? "/dev-sw.js?dev-sw" : "/sw.js", { type: "module", scope: "/" })
    .catch((e) => console.warn(`service worker not registered: ${e}`));
}

const root = document.getElementById("root");
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);
