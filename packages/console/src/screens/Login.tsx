import { type FormEvent, useState } from "react";
import { ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { useSession } from "../lib/session.tsx";

export default function Login() {
  const t = useT();
  const { signIn, ended, idleMinutes } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

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
        <input id="login" name="login" autoComplete="username" required />
        <label htmlFor="password">{t("login.password")}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        <button type="submit" disabled={busy}>
          {t("login.submit")}
        </button>
      </form>
      <ProblemNote error={error} />
    </main>
  );
}
