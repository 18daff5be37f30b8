/** The users of one agency: add one (optionally with a password), disable one, open their tokens. */
import { type FormEvent, useState } from "react";
import { Loading, ProblemNote } from "../../components.tsx";
import { useT } from "../../i18n/use-t.ts";
import { get, post, query } from "../../lib/api.ts";
import { useUser } from "../../lib/session.tsx";
import { useAsync } from "../../lib/use-async.ts";
import Tokens from "./Tokens.tsx";
import { ROLES, type User } from "./types.ts";

/** The server's minimum (MIN_PASSWORD_LENGTH): the browser says so before sending. */
const MIN_PASSWORD_LENGTH = 12;

export default function Users({ agencyId }: { agencyId: string }) {
  const t = useT();
  const me = useUser();
  const users = useAsync(
    () => get<{ items: User[] }>(`/v1/admin/users${query({ agency: agencyId })}`),
    [agencyId],
  );
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<User | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const password = String(form.get("password") ?? "");
    setError(null);
    try {
      await post("/v1/admin/users", {
        agencyId,
        login: String(form.get("login")).trim(),
        role: String(form.get("role")),
        ...(password && { password }),
      });
      formElement.reset();
      users.reload();
    } catch (e) {
      setError(e);
    }
  }

  async function disable(user: User) {
    setError(null);
    try {
      await post(`/v1/admin/users/${encodeURIComponent(user.id)}/disable`);
      users.reload();
    } catch (e) {
      setError(e);
    }
  }

  const items = users.data?.items ?? [];
  return (
    <section aria-labelledby="admin-users">
      <h2 id="admin-users">{t("admin.users", { agency: agencyId })}</h2>
      <ProblemNote error={users.error} />
      {users.loading && <Loading />}
      {!users.loading && items.length === 0 ? (
        <p>{t("admin.users.none")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("admin.user.login")}</th>
              <th scope="col">{t("admin.user.role")}</th>
              <th scope="col">{t("admin.user.status")}</th>
              <th scope="col">{t("admin.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <tr key={u.id}>
                <td>{u.login}</td>
                <td>{t(`role.${u.role}`)}</td>
                <td>{u.disabledAt ? t("admin.user.disabled") : t("admin.user.active")}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => setSelected(u)}>
                    {t("admin.user.tokens", { login: u.login })}
                  </button>{" "}
                  {!u.disabledAt && u.id !== me.userId && (
                    <button type="button" className="secondary" onClick={() => void disable(u)}>
                      {t("admin.user.disable", { login: u.login })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={submit} aria-labelledby="admin-user-add">
        <h3 id="admin-user-add">{t("admin.user.add")}</h3>
        <label htmlFor="user-login">{t("admin.user.login")}</label>
        <input id="user-login" name="login" required maxLength={200} autoComplete="off" />
        <label htmlFor="user-role">{t("admin.user.role")}</label>
        <select id="user-role" name="role" defaultValue="caseworker">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
        <label htmlFor="user-password">{t("admin.user.password", { min: MIN_PASSWORD_LENGTH })}</label>
        <input
          id="user-password"
          name="password"
          type="password"
          minLength={MIN_PASSWORD_LENGTH}
          maxLength={1024}
          autoComplete="new-password"
        />
        <button type="submit">{t("admin.user.add")}</button>
      </form>
      <ProblemNote error={error} />
      {selected && <Tokens key={selected.id} user={selected} />}
    </section>
  );
}
