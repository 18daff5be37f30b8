/// <reference types="vite/client" />
/**
 * Registers the service worker the build generates (dist/sw.js, see vite.config.ts): it answers the
 * page and its hashed files from its cache, never an API answer. Registered from the bundle, after
 * the page has loaded, so that its first download of the shell does not compete with the page's own
 * requests, and with no inline script (the Content-Security-Policy forbids them).
 */
export function registerServiceWorker(): void {
  // Not on the dev server (it has no sw.js). MODE, not PROD: a build run under vitest (NODE_ENV=test)
  // is still a production-mode build and must carry the worker the browser tests check.
  if (import.meta.env.MODE === "development" || !("serviceWorker" in navigator)) return;
  const register = () => {
    // A failed registration (private mode, a proxy refusing the script) leaves the console working
    // from the network as before.
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
  };
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
}
