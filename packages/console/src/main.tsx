import { StrictMode, startTransition } from "react";
import { createRoot } from "react-dom/client";
import App from "./App.tsx";
import { registerServiceWorker } from "./lib/service-worker.ts";

// A transition: React draws the first screen in slices, yielding to the browser between them, so
// the page's own sign-in form (index.html, src/early-sign-in.ts) keeps taking keys and clicks
// until React's replaces it.
const root = createRoot(document.getElementById("root")!);
startTransition(() =>
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);

registerServiceWorker();
