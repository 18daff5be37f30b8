/** Administration for the admin role: agencies, the users of one agency, and their tokens. */
import { useState } from "react";
import { Loading, ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { get } from "../lib/api.ts";
import { useUser } from "../lib/session.tsx";
import { useAsync } from "../lib/use-async.ts";
import Agencies from "./admin/Agencies.tsx";
import type { Agency } from "./admin/types.ts";
import Users from "./admin/Users.tsx";

export default function Admin() {
  const t = useT();
  const me = useUser();
  const agencies = useAsync(() => get<{ items: Agency[] }>("/v1/admin/agencies"), []);
  const [agencyId, setAgencyId] = useState(me.agencyId);
  const items = agencies.data?.items ?? [];
  return (
    <main id="main">
      <h1>{t("admin.title")}</h1>
      <ProblemNote error={agencies.error} />
      {agencies.loading && !agencies.data && <Loading />}
      <Agencies agencies={items} onChange={agencies.reload} />
      <label htmlFor="admin-agency">{t("admin.users.agency")}</label>
      <select id="admin-agency" value={agencyId} onChange={(e) => setAgencyId(e.target.value)}>
        {(items.some((a) => a.id === agencyId) ? items : [{ id: agencyId, name: agencyId }, ...items]).map(
          (a) => (
            <option key={a.id} value={a.id}>
              {a.id} — {a.name}
            </option>
          ),
        )}
      </select>
      <Users key={agencyId} agencyId={agencyId} />
    </main>
  );
}
