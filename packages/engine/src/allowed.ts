/**
 * What can be sent now, and what each event needs: the client builds its forms from this, and a
 * refusal lists the same types.
 */
import type { Pathway } from "@passerelle/definitions";
import { explainBranches } from "./branches.ts";
import { compile } from "./compile.ts";
import type { ConditionScope } from "./conditions.ts";
import { eventTable, isClosedState } from "./step.ts";
import type { AllowedEvent, CaseContext, CaseSnapshot } from "./types.ts";

const DEFAULT_ROLES = ["caseworker", "supervisor"];

/**
 * Events handled in the current leaf (then its ancestors, then `anywhere`, then built-ins), with
 * the JSON Schema of their data and each branch explained (open now or not, what it still needs). An
 * event stays listed while guards block it, with `blockedBy` saying why — unless event data could
 * still satisfy one of its branches.
 */
export function allowedEvents(
  pathway: Pathway,
  snapshot: CaseSnapshot,
  ctx: CaseContext,
  now: Date,
): AllowedEvent[] {
  const compiled = compile(pathway);
  const table = eventTable(compiled, snapshot.state);
  if (isClosedState(snapshot.state)) return [];
  const scope: ConditionScope = {
    data: {},
    facts: snapshot.facts,
    person: ctx.person,
    consents: ctx.consents,
    now,
    settings: pathway,
  };
  const result: AllowedEvent[] = [];
  for (const [type, candidates] of table) {
    const spec = compiled.events.get(type)!;
    const branches = explainBranches(pathway, type, candidates, scope, { dataGiven: false });
    // Blocked when no branch is open: what fails on the case, which no event data can cure.
    const blockedBy = branches.some((b) => b.open) ? [] : [...new Set(branches.flatMap((b) => b.unmet))];
    result.push({
      type,
      label: spec.label,
      dataSchema: compiled.dataSchema(type),
      roles: spec.roles ? [...spec.roles] : DEFAULT_ROLES,
      blockedBy,
      branches,
    });
  }
  return result;
}
