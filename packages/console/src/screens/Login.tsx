import { type FormEvent, useLayoutEffect, useRef, useState } from "react";
import { ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { forgetEarlyForm, takeEarlyForm } from "../lib/early-form.ts";
import { useSession } from "../lib/session.tsx";

export default function Login() {
  const t = useT();
  const { signIn, finishSignIn, ended, idleMinutes } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const login = useRef<HTMLInputElement>(null);
  const password = useRef<HTMLInputElement>(null);

  // The page's own form (index.html), which this one has just replaced: what was typed there and
  // its focus, before the first paint (set as properties, not attributes, so the password never
  // appears in the markup), and a sign-in it already sent, whose outcome this screen shows.
  useLayoutEffect(() => {
    const early = takeEarlyForm();
    if (!early) return;
    if (login.current) login.current.value = early.login;
    if (password.current) password.current.value = early.password;
    const focused = early.focus && document.getElementById(early.focus.id);
    if (focused instanceof HTMLInputElement && early.focus) {
      focused.focus();
      focused.setSelectionRange(early.focus.start, early.focus.end);
    }
    forgetEarlyForm();
    if (!early.answer) return;
    setBusy(true);
    finishSignIn(early.answer)
      .catch(setError)
      .finally(() => setBusy(false));
  }, [finishSignIn]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await signIn(String(form.get("login")), String(form.get("password")));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="narrow">
      <h1>{t("login.title")}</h1>
      {ended && ended !== "signedOut" && (
        <p role="status" className="notice">
          {t(`login.ended.${ended}`, { minutes: idleMinutes })}
        </p>
      )}
      {ended === "signedOut" && (
        <p role="status" className="notice">
          {t("login.ended.signedOut")}
        </p>
      )}
      <form onSubmit={submit} aria-describedby="login-help">
        <p id="login-help" className="muted">
          {t("login.help")}
        </p>
        <label htmlFor="login">{t("login.login")}</label>
        <input ref={login} id="login" name="login" autoComplete="username" required />
        <label htmlFor="password">{t("login.password")}</label>
        <input
          ref={password}
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
        <button type="submit" disabled={busy}>
          {t("login.submit")}
        </button>
      </form>
      <ProblemNote error={error} />
    </main>
  );
}
