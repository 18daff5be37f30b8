/**
 * The sign-in form that index.html carries in its own markup, working before React has started
 * (src/early-sign-in.ts, the page's only script, loads this first). On a slow phone React takes a
 * second or more to start; with this, the user types and sends the sign-in meanwhile, and the login
 * and the home's lists are on their way while React starts.
 *
 * The sign-in screen (screens/Login.tsx) takes the form over when React replaces it: it keeps what
 * was typed, the focus, and a sign-in already sent (its answer, or its error, is shown there). The
 * page's button stays disabled until this module listens, so the form can never be sent by the
 * browser itself (which would put the password in a request the server does not expect).
 */
import { requestSignIn } from "./sign-in.ts";
import type { User } from "./types.ts";

/** What the page's form held when the sign-in screen took it over. */
export interface EarlyForm {
  login: string;
  password: string;
  /** The field that had the focus, and its caret. */
  focus: { id: string; start: number | null; end: number | null } | null;
  /** A sign-in sent from the page's form, if any: the latest one. */
  answer: Promise<User> | null;
}

const form = document.getElementById("early-sign-in");
let answer: Promise<User> | null = null;
/** The field of the page's form that has the focus (the form may be gone from the page when taken). */
let focused: HTMLInputElement | null = null;
let taken: EarlyForm | null = null;
/** Once the sign-in screen holds the form, this module has nothing more to give. */
let done = false;

function field(name: string): HTMLInputElement | null {
  return form instanceof HTMLFormElement ? (form.elements.namedItem(name) as HTMLInputElement | null) : null;
}

function submit(event: SubmitEvent): void {
  event.preventDefault();
  const button = (form as HTMLFormElement).querySelector("button");
  // Disabled while a sign-in is on its way: one at a time.
  if (button?.disabled) return;
  if (button) button.disabled = true;
  answer = requestSignIn(field("login")?.value ?? "", field("password")?.value ?? "");
  // The sign-in screen reports a failure; here the form is only made usable again.
  answer
    .catch(() => undefined)
    .finally(() => {
      if (button) button.disabled = false;
    });
}

function focusIn(event: FocusEvent): void {
  focused = event.target instanceof HTMLInputElement ? event.target : null;
}
function focusOut(event: FocusEvent): void {
  const left = event.target;
  // Chromium also blurs the field React removes, in the task whose layout effect takes the form:
  // only a field still in the page after that task has lost the focus to the user.
  queueMicrotask(() => {
    if (left instanceof Node && left.isConnected && focused === left) focused = null;
  });
}

if (form instanceof HTMLFormElement) {
  form.addEventListener("submit", submit);
  form.addEventListener("focusin", focusIn);
  form.addEventListener("focusout", focusOut);
  const button = form.querySelector("button");
  if (button) button.disabled = false;
}

/**
 * The page's form as it was when React replaced it, once: the sign-in screen calls it in its layout
 * effect, in the same task as that replacement, so nothing typed in between is lost (React renders
 * in slices, and the page's form stays usable until then).
 */
export function takeEarlyForm(): EarlyForm | null {
  if (done) return null;
  if (taken !== null) return taken;
  if (!(form instanceof HTMLFormElement)) return null;
  form.removeEventListener("submit", submit);
  form.removeEventListener("focusin", focusIn);
  form.removeEventListener("focusout", focusOut);
  taken = {
    login: field("login")?.value ?? "",
    password: field("password")?.value ?? "",
    focus: focused && {
      id: focused.id,
      start: focused.selectionStart,
      end: focused.selectionEnd,
    },
    answer,
  };
  return taken;
}

/** Drops what was taken over (the password included) once the sign-in screen holds it. */
export function forgetEarlyForm(): void {
  done = true;
  taken = null;
  answer = null;
  focused = null;
}
