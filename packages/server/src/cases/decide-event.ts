/**
 * What one event does to a case, decided by the case service from the case as it read it: the
 * sender's role, the engine's pure step, and the write it produces (snapshot, history row, tasks,
 * consents). Plain data in, plain data out. Refusals are thrown as `ApiProblem` before anything is
 * written; the store then commits the write only if the case is still at the revision it was read
 * at (compare-and-swap).
 */
import { BUILTIN_EVENTS, type ClosedOutcome, type EventSpec } from "@passerelle/definitions";
import {
  type CaseContext,
  type Effect,
  type Json,
  type Refusal,
  type StepSuccess,
  step,
} from "@passerelle/engine";
import { grantsEndedBy } from "../consent/sharing.ts";
import { initialDelivery } from "../delivery/ladder.ts";
import type { ErrorCode } from "../errors/catalog.ts";
import { ApiProblem } from "../errors/problem.ts";
import type { PathwayRegistry, RegisteredPathway } from "../pathways/pathway-registry.ts";
import type { AuditDraft } from "../storage/audit-repository.ts";
import type { CaseAggregate, ConsentRow, TransitionWrite } from "../storage/records.ts";
import { lazyPersonAttributes } from "./person.ts";

/** One event to apply, as data: what the route received and who sent it. */
export interface EventCommand {
  caseId: string;
  /** The revision the client last saw (compare-and-swap). */
  expectedRevision: number;
  event: { type: string; data?: Record<string, Json> };
  /** User id of the sender (history `actor`). */
  actor: string;
  /** ISO instant of the request: the engine's "now". */
  at: string;
  /** Role of the sender, checked against the event's `roles`. */
  role?: string;
  /** Extra fields of the consent record a RECORD_CONSENT produces (guardian of a minor, purpose). */
  consent?: Pick<ConsentRow, "guardian" | "purpose">;
  /** Audit entry written in the event's transaction: every write of a case is audited. */
  audit?: AuditDraft;
}

/** Decides the write of an event from the current case; throws `ApiProblem` to refuse. */
export interface EventDecider {
  decide(current: CaseAggregate, command: EventCommand): TransitionWrite;
}

const REFUSAL_CODES: Record<Refusal["kind"], ErrorCode> = {
  eventUnknown: "PASSERELLE_EVENT_UNKNOWN",
  eventNotAllowed: "PASSERELLE_EVENT_NOT_ALLOWED",
  guardFailed: "PASSERELLE_GUARD_FAILED",
  invalidData: "PASSERELLE_EVENT_DATA_INVALID",
  caseClosed: "PASSERELLE_CASE_CLOSED",
  migrationRefused: "PASSERELLE_EVENT_NOT_ALLOWED",
};

/** The decider over the pathway versions a process has loaded (each case on its pinned version). */
export class PathwayDecider implements EventDecider {
  constructor(private readonly pathways: PathwayRegistry) {}

  decide(current: CaseAggregate, command: EventCommand): TransitionWrite {
    const { pathway } = pinnedPathway(this.pathways, current);
    const { event } = command;
    const spec = pathway.events[event.type] ?? eventSpecOfBuiltin(event.type);
    // The event's `roles` (default caseworker and supervisor; supervisor-only marks an approval).
    if (command.role !== undefined && spec) {
      const roles: readonly string[] = spec.roles ?? ["caseworker", "supervisor"];
      if (!roles.includes(command.role)) {
        throw new ApiProblem(
          "PASSERELLE_FORBIDDEN",
          `${event.type} may only be sent by: ${roles.join(", ")}`,
          {
            policy: "case:act",
            roles,
          },
        );
      }
    }
    const data = event.data ?? {};
    const stepped = step(
      pathway,
      current.case.snapshot,
      { type: event.type, data },
      contextOf(current),
      new Date(command.at),
    );
    if (!stepped.ok) throw refusalProblem(stepped.refusal);
    return toWrite(
      stepped,
      event.type,
      data,
      personalFieldsOf(spec, data),
      command.actor,
      command.at,
      command.consent,
    );
  }
}

/** The pathway version a stored case is pinned to. */
export function pinnedPathway(pathways: PathwayRegistry, aggregate: CaseAggregate): RegisteredPathway {
  const c = aggregate.case;
  const registered = pathways.get(c.country, c.pathwayVersion);
  // The store only holds cases on versions it stored; a missing one is a broken deployment.
  if (!registered) throw new Error(`pathway ${c.country}@${c.pathwayVersion} of a stored case is not loaded`);
  return registered;
}

/** What the engine's guards may read of a case: the person's reportable attributes and consents. */
export function contextOf(aggregate: CaseAggregate): CaseContext {
  return {
    person: lazyPersonAttributes(() => aggregate.case.person),
    consents: aggregate.consents.map((c) => ({ scope: c.scope, given: c.given, at: c.at })),
  };
}

function eventSpecOfBuiltin(type: string): EventSpec | undefined {
  return Object.hasOwn(BUILTIN_EVENTS, type)
    ? (BUILTIN_EVENTS[type as keyof typeof BUILTIN_EVENTS] as unknown as EventSpec)
    : undefined;
}

/**
 * Keys of the event's data that are personal, and so sealed and shown only by the audited person
 * read: declared `personal`, free `text` (always personal), or not declared at all (what nobody
 * described is protected until someone decides otherwise).
 */
export function personalFieldsOf(spec: EventSpec | undefined, data: Record<string, Json>): string[] {
  return Object.keys(data).filter((key) => {
    const field = spec?.data[key] as { type?: string; personal?: boolean } | undefined;
    return field === undefined || field.personal === true || field.type === "text";
  });
}

/** The rows a step writes: snapshot, history row, tasks to schedule and cancel, consent records. */
export function toWrite(
  stepped: StepSuccess,
  eventType: string,
  data: Record<string, Json>,
  personalFields: string[],
  actor: string,
  at: string,
  consentExtras?: Pick<ConsentRow, "guardian" | "purpose">,
): TransitionWrite {
  const consents = stepped.effects.flatMap((e: Effect): ConsentRow[] =>
    e.type === "recordConsent"
      ? [
          {
            scope: e.consent.scope,
            given: e.consent.given,
            at: e.consent.at,
            method: e.consent.method,
            ...(e.consent.interpreterUsed === undefined
              ? {}
              : { interpreterUsed: e.consent.interpreterUsed }),
            actor,
            ...(consentExtras?.guardian && { guardian: consentExtras.guardian }),
            ...(consentExtras?.purpose && { purpose: consentExtras.purpose }),
          },
        ]
      : [],
  );
  return {
    snapshot: stepped.snapshot,
    stage: stepped.stage,
    state: stepped.to,
    outcome: (stepped.outcome as ClosedOutcome | undefined) ?? null,
    history: { eventType, data, personalFields, fromState: stepped.from, toState: stepped.to, actor, at },
    schedule: stepped.effects.flatMap((e) =>
      e.type === "scheduleTask" ? [{ ...e.task, firstRung: initialDelivery(e.task.escalation) }] : [],
    ),
    notices: stepped.effects.flatMap((e) =>
      e.type === "notify"
        ? [{ state: e.state, role: e.to.role, agency: e.to.agency ?? null, label: e.label }]
        : [],
    ),
    cancelStates: stepped.effects.flatMap((e) => (e.type === "cancelTasks" ? [e.state] : [])),
    consents,
    // A withdrawal ends, in the same transaction, every referral grant that rested on its scope.
    endGrants: consents.flatMap((c) => {
      const ended = c.given ? "none" : grantsEndedBy(c.scope);
      return ended === "none" ? [] : [{ grants: ended, at: c.at }];
    }),
  };
}

function refusalProblem(refusal: Refusal): ApiProblem {
  const code = REFUSAL_CODES[refusal.kind];
  const base = { event: refusal.event, allowedEvents: refusal.allowed };
  switch (refusal.kind) {
    case "eventUnknown":
      return new ApiProblem(code, `The case's pathway defines no event ${refusal.event}`, base);
    case "eventNotAllowed":
      return new ApiProblem(code, `${refusal.event} is not handled in state ${refusal.state}`, {
        ...base,
        state: refusal.state,
      });
    case "guardFailed":
      // Per branch, in the pathway's language: which one the caseworker meant, and what it lacks.
      return new ApiProblem(
        code,
        `${refusal.event} refused in state ${refusal.state}: ${refusal.branches.map((b) => b.text).join("; ")}`,
        {
          ...base,
          state: refusal.state,
          failedConditions: refusal.failed,
          branches: refusal.branches.map(({ target, text, unmet }) => ({ target, text, unmet })),
        },
      );
    case "invalidData":
      return new ApiProblem(code, `The data of ${refusal.event} is invalid`, {
        ...base,
        invalidFields: refusal.issues,
      });
    case "caseClosed":
      return new ApiProblem(code, `The case is closed (${refusal.state}); it accepts no events`, {
        ...base,
        state: refusal.state,
      });
    case "migrationRefused":
      return new ApiProblem(code, `${refusal.event} is not an event clients can send`, base);
  }
}
