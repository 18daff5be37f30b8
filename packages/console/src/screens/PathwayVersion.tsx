/**
 * One pathway version: its diagram and its states as a tree in the user's language (the case's
 * state marked when reached from a case page), and the Mermaid source of the diagram from the API
 * for anyone who wants it elsewhere.
 */
import { lazy, Suspense } from "react";
import { useIntl } from "react-intl";
import { Loading, ProblemNote, usePathway } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { get } from "../lib/api.ts";
import { pick } from "../lib/labels.ts";
import type { PathwayDefinition, StateNode } from "../lib/types.ts";
import { useAsync } from "../lib/use-async.ts";

const PathwayDiagram = lazy(() => import("./PathwayDiagram.tsx"));

export default function PathwayVersion({
  country,
  version,
  highlight,
}: {
  country: string;
  version: number;
  highlight?: string;
}) {
  const t = useT();
  const intl = useIntl();
  const definition = usePathway(country, version);
  const diagram = useAsync(
    () =>
      get<{ mermaid: string }>(`/v1/pathways/${country}/versions/${version}/diagram?language=${intl.locale}`),
    [country, version, intl.locale],
  );
  return (
    <main id="main">
      <h1>
        {definition ? pick(definition.title, intl.locale, definition.languages) : country} —{" "}
        {t("case.pathwayVersion", { version })}
      </h1>
      {!definition && <Loading />}
      {definition && (
        <section aria-labelledby="states">
          <h2 id="states">{t("pathways.states")}</h2>
          <StateTree definition={definition} states={definition.states} prefix="" highlight={highlight} />
        </section>
      )}
      <section aria-labelledby="diagram">
        <h2 id="diagram">{t("pathways.diagram")}</h2>
        {definition && (
          <Suspense fallback={<Loading />}>
            <PathwayDiagram
              definition={definition}
              language={intl.locale}
              highlight={highlight}
              label={t("pathways.diagramLabel", {
                title: pick(definition.title, intl.locale, definition.languages),
              })}
            />
          </Suspense>
        )}
        <ProblemNote error={diagram.error} />
        <details>
          <summary>{t("pathways.mermaid")}</summary>
          <pre className="mermaid-text">{diagram.data?.mermaid}</pre>
        </details>
      </section>
    </main>
  );
}

function StateTree({
  definition,
  states,
  prefix,
  highlight,
}: {
  definition: PathwayDefinition;
  states: Record<string, StateNode>;
  prefix: string;
  highlight: string | undefined;
}) {
  const intl = useIntl();
  const t = useT();
  return (
    <ul className="tree">
      {Object.entries(states).map(([key, node]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        const here = highlight === path;
        const onPath = highlight?.startsWith(`${path}.`) ?? false;
        return (
          <li key={path} className={here ? "here" : onPath ? "on-path" : undefined}>
            {pick(node.label, intl.locale, definition.languages)}
            {here && <strong> — {t("pathways.caseIsHere")}</strong>}
            {node.states && (
              <StateTree definition={definition} states={node.states} prefix={path} highlight={highlight} />
            )}
          </li>
        );
      })}
    </ul>
  );
}
