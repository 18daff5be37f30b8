/** Agencies, users and tokens are managed with the CLI: the v1 API has no admin routes yet. */
import { useT } from "../i18n/use-t.ts";

export default function Admin() {
  const t = useT();
  return (
    <main id="main" className="narrow">
      <h1>{t("admin.title")}</h1>
      <p>{t("admin.cli")}</p>
      <pre>npx --yes pnpm@10 passerelle users --help</pre>
    </main>
  );
}
