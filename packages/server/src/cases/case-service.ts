/**
 * The case use-cases: open a case, apply an event, read. Joins the pure engine (which decides) to
 * the store (which persists, durably, under compare-and-swap). Refusals are thrown as `ApiProblem`
 * from inside the store's transaction, so a refused event writes nothing.
 */
import { BUILTIN_EVENTS, type ClosedOutcome, type EventSpec } from "@passerelle/definitions";
import {
  allowedEvents,
  type CaseContext,
  type Effect,
  type Json,
  type Refusal,
  type StepSuccess,
  startCase,
  step,
} from "@passerelle/engine";
import type { AuditDraft } from "../audit/audit-log.ts";
import type { ErrorCode } from "../errors/catalog.ts";
import { ApiProblem } from "../errors/problem.ts";
import { newCaseId } from "../ids.ts";
import type { PathwayRegistry, RegisteredPathway } from "../pathways/pathway-registry.ts";
import type { CaseStore } from "../store/case-store.ts";
import type {
  CaseAggregate,
  CaseSummaryRecord,
  ConsentRow,
  HistoryRecord,
  TaskRecord,
  TransitionWrite,
} from "../store/records.ts";
import type { CaseSummaryView, CaseView, TaskView } from "./case-view.ts";
import { type Identification, type Person, personAttributes } from "./person.ts";

export const OPENING_EVENT = "CASE_OPENED";

/** Issue 5: who sends an event, what to audit with it, and what a consent record carries beyond the event. */
export interface EventOptions {
  /** Role of the sender, checked against the event's `roles`. */
  role?: string;
  /** Audit entry written in the event's transaction. */
  audit?: AuditDraft;
  /** Extra fields of the consent record a RECORD_CONSENT produces (guardian of a minor, purpose). */
  consent?: Pick<ConsentRow, "guardian" | "purpose">;
}

export interface OpenCaseInput {
  country: string;
  pathwayVersion?: number;
  person: Person;
  identification: Identification;
  assignee?: string;
}

export interface EventInput {
  type: string;
  data?: Record<string, Json>;
  expectedRevision: number;
}

const REFUSAL_CODES: Record<Refusal["kind"], ErrorCode> = {
  eventUnknown: "PASSERELLE_EVENT_UNKNOWN",
  eventNotAllowed: "PASSERELLE_EVENT_NOT_ALLOWED",
  guardFailed: "PASSERELLE_GUARD_FAILED",
  invalidData: "PASSERELLE_EVENT_DATA_INVALID",
  caseClosed: "PASSERELLE_CASE_CLOSED",
  migrationRefused: "PASSERELLE_EVENT_NOT_ALLOWED",
};

export class CaseService {
  constructor(
    private readonly store: CaseStore,
    private readonly pathways: PathwayRegistry,
  ) {}

  async open(
    input: OpenCaseInput,
    actor: string,
    now: Date = new Date(),
    options: { audit?: AuditDraft } = {},
  ): Promise<CaseView> {
    const registered =
      input.pathwayVersion === undefined
        ? this.pathways.latestPublished(input.country)
        : this.pathways.get(input.country, input.pathwayVersion);
    if (!registered) {
      throw new ApiProblem(
        "PASSERELLE_PATHWAY_NOT_FOUND",
        input.pathwayVersion === undefined
          ? `No published pathway for country ${input.country}`
          : `No pathway ${input.country}@${input.pathwayVersion}`,
      );
    }
    const { pathway } = registered;
    if (registered.status !== "published") {
      throw new ApiProblem(
        "PASSERELLE_PATHWAY_NOT_PUBLISHED",
        `Pathway ${pathway.country}@${pathway.version} is a draft`,
      );
    }
    if (!pathway.agencies.some((a) => a.id === input.identification.agency)) {
      throw new ApiProblem(
        "PASSERELLE_UNKNOWN_AGENCY",
        `identification.agency is not an agency of ${pathway.country}@${pathway.version}`,
        {
          agencies: pathway.agencies.map((a) => a.id),
        },
      );
    }
    const ctx: CaseContext = { person: personAttributes(input.person), consents: [] };
    const started = startCase(pathway, ctx, now);
    const at = now.toISOString();
    const aggregate = await this.store.createCase({
      id: newCaseId(now.getTime()),
      country: pathway.country,
      pathwayVersion: pathway.version,
      assignee: input.assignee ?? null,
      agency: input.identification.agency,
      person: input.person as Record<string, Json>,
      identification: input.identification as Record<string, Json>,
      opening: toWrite(started, OPENING_EVENT, {}, [], actor, at),
      ...(options.audit && { audit: options.audit }),
    });
    return this.view(aggregate, now);
  }

  async get(id: string, now: Date = new Date()): Promise<CaseView> {
    const aggregate = await this.store.getCase(id);
    if (!aggregate) throw new ApiProblem("PASSERELLE_CASE_NOT_FOUND", "No case with this id");
    return this.view(aggregate, now);
  }

  async applyEvent(
    id: string,
    event: EventInput,
    actor: string,
    now: Date = new Date(),
    options: EventOptions = {},
  ): Promise<CaseView> {
    const at = now.toISOString();
    const result = await this.store.applyTransition(
      id,
      event.expectedRevision,
      actor,
      at,
      (current) => {
        const { pathway } = this.pinned(current);
        // Issue 5: the event's `roles` (default caseworker and supervisor; supervisor-only marks an approval).
        const spec = pathway.events[event.type] ?? eventSpecOfBuiltin(event.type);
        if (options.role !== undefined && spec) {
          const roles: readonly string[] = spec.roles ?? ["caseworker", "supervisor"];
          if (!roles.includes(options.role)) {
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
        const stepped = step(
          pathway,
          current.case.snapshot,
          { type: event.type, data: event.data ?? {} },
          contextOf(current),
          now,
        );
        if (!stepped.ok) throw refusalProblem(stepped.refusal);
        const data = event.data ?? {};
        return toWrite(
          stepped,
          event.type,
          data,
          personalFieldsOf(pathway.events[event.type] ?? eventSpecOfBuiltin(event.type), data),
          actor,
          at,
          options.consent,
        );
      },
      options.audit && { ...options.audit, details: { ...options.audit.details, event: event.type } },
    );
    if (result.status === "notFound")
      throw new ApiProblem("PASSERELLE_CASE_NOT_FOUND", "No case with this id");
    if (result.status === "stale") {
      throw new ApiProblem(
        "PASSERELLE_STALE_REVISION",
        `expectedRevision ${event.expectedRevision} is stale; the case is at revision ${result.currentRevision}`,
        { currentRevision: result.currentRevision },
      );
    }
    return this.view(result.aggregate, now);
  }

  async history(id: string): Promise<HistoryRecord[]> {
    const aggregate = await this.store.getCase(id);
    if (!aggregate) throw new ApiProblem("PASSERELLE_CASE_NOT_FOUND", "No case with this id");
    return this.store.getHistory(id);
  }

  view(aggregate: CaseAggregate, now: Date): CaseView {
    const c = aggregate.case;
    const { pathway } = this.pinned(aggregate);
    const nowIso = now.toISOString();
    return {
      ...sharedFields(c),
      facts: c.snapshot.facts,
      allowedEvents: allowedEvents(pathway, c.snapshot, contextOf(aggregate), now),
      tasks: aggregate.openTasks.map((t) => taskView(t, nowIso)),
    };
  }

  private pinned(aggregate: CaseAggregate): RegisteredPathway {
    const c = aggregate.case;
    const registered = this.pathways.get(c.country, c.pathwayVersion);
    // The store only holds cases on versions it stored; a missing one is a broken deployment.
    if (!registered)
      throw new Error(`pathway ${c.country}@${c.pathwayVersion} of a stored case is not loaded`);
    return registered;
  }
}

/** The fields a case and its list summary share (never the person). */
function sharedFields(c: CaseSummaryRecord) {
  return {
    id: c.id,
    country: c.country,
    pathwayVersion: c.pathwayVersion,
    stage: c.stage,
    state: c.state,
    revision: c.revision,
    assignee: c.assignee,
    agency: c.agency,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ...(c.outcome ? { outcome: c.outcome } : {}),
  };
}

export function summaryView(c: CaseSummaryRecord, nowIso: string): CaseSummaryView {
  return {
    ...sharedFields(c),
    nextDueAt: c.nextDueAt,
    overdue: c.nextDueAt !== null && c.nextDueAt < nowIso,
  };
}

export function taskView(t: TaskRecord, nowIso: string): TaskView {
  return {
    id: t.id,
    caseId: t.caseId,
    key: t.key,
    taskId: t.taskId,
    kind: t.kind,
    state: t.state,
    status: t.status,
    dueAt: t.dueAt,
    overdue: t.status === "open" && t.dueAt < nowIso,
    assignee: t.assignee,
    label: t.label,
    occurrence: t.occurrence,
    escalation: t.escalation,
    createdAt: t.createdAt,
    completedAt: t.completedAt,
    note: t.note,
  };
}

function contextOf(aggregate: CaseAggregate): CaseContext {
  return {
    person: personAttributes(aggregate.case.person),
    consents: aggregate.consents.map((c) => ({ scope: c.scope, given: c.given, at: c.at })),
  };
}

function eventSpecOfBuiltin(type: string): EventSpec | undefined {
  return Object.hasOwn(BUILTIN_EVENTS, type)
    ? (BUILTIN_EVENTS[type as keyof typeof BUILTIN_EVENTS] as unknown as EventSpec)
    : undefined;
}

/** Keys of the event's data that are personal: declared `personal`, or free `text` (always personal). */
function personalFieldsOf(spec: EventSpec | undefined, data: Record<string, Json>): string[] {
  if (!spec) return [];
  return Object.keys(data).filter((key) => {
    const field = spec.data[key] as { type?: string; personal?: boolean } | undefined;
    return field !== undefined && (field.personal === true || field.type === "text");
  });
}

function toWrite(
  stepped: StepSuccess,
  eventType: string,
  data: Record<string, Json>,
  personalFields: string[],
  actor: string,
  at: string,
  consentExtras?: Pick<ConsentRow, "guardian" | "purpose">,
): TransitionWrite {
  return {
    snapshot: stepped.snapshot,
    stage: stepped.stage,
    state: stepped.to,
    outcome: (stepped.outcome as ClosedOutcome | undefined) ?? null,
    history: { eventType, data, personalFields, fromState: stepped.from, toState: stepped.to, actor, at },
    schedule: stepped.effects.flatMap((e) => (e.type === "scheduleTask" ? [e.task] : [])),
    cancelStates: stepped.effects.flatMap((e) => (e.type === "cancelTasks" ? [e.state] : [])),
    consents: stepped.effects.flatMap((e: Effect): ConsentRow[] =>
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
    ),
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
      return new ApiProblem(
        code,
        `${refusal.event} refused in state ${refusal.state}: ${refusal.failed.join("; ")}`,
        {
          ...base,
          state: refusal.state,
          failedConditions: refusal.failed,
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
