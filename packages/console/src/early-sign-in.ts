/**
 * The page's only script (index.html): small and free of React, so that it runs as soon as the page
 * is parsed. It makes the page's own sign-in form work (lib/early-form.ts), then starts React and
 * the shell (main.tsx), whose bytes are already fetched with the page (build/preload-main.ts), once
 * that form is on screen: compiling and running React takes the main thread for long stretches on
 * a slow phone, and would otherwise come before the form's first paint. A sign-in sent before then
 * starts it at once.
 */
import "./lib/early-form.ts";
import "./styles.css";

let started = false;
function startReact(): void {
  if (started) return;
  started = true;
  void import("./main.tsx");
}

// After the form's first frame; a hidden page draws none, hence the timer.
requestAnimationFrame(() => setTimeout(startReact, 0));
setTimeout(startReact, 500);
// After lib/early-form.ts's own listener (registered first): the sign-in has left by now.
document.getElementById("early-sign-in")?.addEventListener("submit", startReact);
