/**
 * One user's API and session tokens: issue one (its secret is shown here once, never again: only
 * its hash is stored) and revoke one.
 */
import { type FormEvent, useState } from "react";
import { ProblemNote } from "../../components.tsx";
import { useT } from "../../i18n/use-t.ts";
import { get, post } from "../../lib/api.ts";
import { useAsync } from "../../lib/use-async.ts";
import type { Token, User } from "./types.ts";

export default function Tokens({ user }: { user: User }) {
  const t = useT();
  const path = `/v1/admin/users/${encodeURIComponent(user.id)}/tokens`;
  const tokens = useAsync(() => get<{ items: Token[] }>(path), [path]);
  const [issued, setIssued] = useState<{ token: string; tokenId: string } | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function issue(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    setIssued(null);
    try {
      setIssued(await post<{ token: string; tokenId: string }>(path, { days: Number(form.get("days")) }));
      tokens.reload();
    } catch (e) {
      setError(e);
    }
  }

  async function revoke(token: Token) {
    setError(null);
    try {
      await post(`/v1/admin/tokens/${encodeURIComponent(token.id)}/revoke`);
      tokens.reload();
    } catch (e) {
      setError(e);
    }
  }

  const items = tokens.data?.items ?? [];
  return (
    <section aria-labelledby="admin-tokens">
      <h3 id="admin-tokens">{t("admin.tokens", { login: user.login })}</h3>
      <ProblemNote error={tokens.error} />
      {items.length === 0 ? (
        <p>{t("admin.tokens.none")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("admin.token.id")}</th>
              <th scope="col">{t("admin.token.kind")}</th>
              <th scope="col">{t("admin.token.expires")}</th>
              <th scope="col">{t("admin.user.status")}</th>
              <th scope="col">{t("admin.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((k) => (
              <tr key={k.id}>
                <td>
                  <code>{k.id}</code>
                </td>
                <td>{k.kind}</td>
                <td>{k.expiresAt ? <time dateTime={k.expiresAt}>{k.expiresAt.slice(0, 10)}</time> : "—"}</td>
                <td>{k.revokedAt ? t("admin.token.revoked") : t("admin.user.active")}</td>
                <td>
                  {!k.revokedAt && (
                    <button type="button" className="secondary" onClick={() => void revoke(k)}>
                      {t("admin.token.revoke", { id: k.id })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={issue} aria-labelledby="admin-token-issue">
        <h4 id="admin-token-issue">{t("admin.token.issue")}</h4>
        <label htmlFor="token-days">{t("admin.token.days")}</label>
        <input
          id="token-days"
          name="days"
          type="number"
          min={1}
          max={365}
          step={1}
          defaultValue={90}
          required
        />
        <button type="submit">{t("admin.token.issue")}</button>
      </form>
      <ProblemNote error={error} />
      {issued && (
        <div role="alert" className="notice">
          <p>
            <strong>{t("admin.token.once")}</strong>
          </p>
          <label htmlFor="token-value">{t("admin.token.value")}</label>
          <input
            id="token-value"
            readOnly
            value={issued.token}
            onFocus={(e) => e.currentTarget.select()}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
      )}
    </section>
  );
}
