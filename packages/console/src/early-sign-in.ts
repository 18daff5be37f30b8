/**
 * The page's only script (index.html): small and free of React, so that it runs as soon as the page
 * is parsed. It makes the page's own sign-in form work (lib/early-form.ts), then starts React and
 * the shell (main.tsx), whose bytes are already fetched with the page (build/preload-main.ts).
 *
 * When React starts matters on a slow phone: compiling, running and drawing it takes the main thread
 * for about a second, in long stretches, and keys typed meanwhile wait. So it starts when the user
 * sends the form — the sign-in and the home's lists then travel while React starts, instead of
 * after — or once the user has left the form alone for a moment (React also brings the language
 * choice and everything else), never in the middle of typing.
 */
import "./lib/early-form.ts";
import "./styles.css";

/** How long the form must be left alone before React starts. */
const QUIET_MS = 1000;

let started = false;
function startReact(): void {
  if (started) return;
  started = true;
  clearTimeout(timer);
  void import("./main.tsx");
}

// Counted from the form's first frame (a hidden page draws none: then from now).
let timer = setTimeout(startReact, QUIET_MS * 2);
requestAnimationFrame(() => typing());
function typing(): void {
  if (started) return;
  clearTimeout(timer);
  timer = setTimeout(startReact, QUIET_MS);
}

const form = document.getElementById("early-sign-in");
if (form) {
  form.addEventListener("keydown", typing);
  form.addEventListener("input", typing);
  // After lib/early-form.ts's own listener (registered first): the sign-in has left by now.
  form.addEventListener("submit", startReact);
} else {
  startReact();
}
