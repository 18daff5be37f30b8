/**
 * What the API returns for a case and a task. No personal data: the person's name and contacts are
 * never part of a case view (they are served, audited, by `GET /v1/cases/{id}/person`).
 */
import { z } from "zod";

export const AssigneeView = z
  .object({
    role: z.string().describe("caseworker, supervisor or committee"),
    agency: z.string().optional().describe("Agency id; absent means the case's agency"),
  })
  .describe("Who is responsible");

export const TaskView = z
  .object({
    id: z.string().describe("Task id (task_…)"),
    caseId: z.string().describe("Case id"),
    key: z.string().describe("Stable key within the case: <state path>/<task id>[#n]"),
    taskId: z.string().describe("Task id in the pathway definition"),
    kind: z.string().describe("deadline, decision or followUp"),
    state: z.string().describe("State whose entry created the task; leaving it cancels the task"),
    status: z.enum(["open", "done", "cancelled"]).describe("open, done or cancelled"),
    dueAt: z.string().describe("ISO instant the task is due"),
    overdue: z.boolean().describe("Open and past due"),
    assignee: AssigneeView,
    label: z.record(z.string(), z.string()).describe("Label by language"),
    occurrence: z.number().int().describe("1-based occurrence of a repeating follow-up"),
    escalation: z
      .array(
        z.object({
          step: z.number().int().describe("0-based rung"),
          at: z.string().describe("ISO instant the rung fires"),
          notify: AssigneeView,
        }),
      )
      .describe("Escalation ladder with absolute times"),
    createdAt: z.string().describe("ISO instant"),
    completedAt: z.string().nullable().describe("ISO instant it was done or cancelled"),
    hasNote: z
      .boolean()
      .describe("A note was given at completion; its text is personal: read it with the audited person read"),
  })
  .describe("A task (deadline, decision or follow-up) of a case");
export type TaskView = z.infer<typeof TaskView>;

export const AllowedEventView = z
  .object({
    type: z.string().describe("Event type to send"),
    label: z.record(z.string(), z.string()).describe("Label by language"),
    dataSchema: z.record(z.string(), z.unknown()).describe("JSON Schema (2020-12) of the event's `data`"),
    roles: z.array(z.string()).describe("Roles allowed to send it"),
    blockedBy: z
      .array(z.string())
      .describe("Conditions that currently fail (the event would be refused until they hold)"),
    branches: z
      .array(
        z.object({
          target: z.string().nullable().describe("State it leads to (null: records without moving)"),
          text: z.string().describe("Where it goes and what it requires, in the pathway's language"),
          open: z.boolean().describe("Nothing on the case blocks it now (its data conditions may remain)"),
          needs: z
            .array(z.string())
            .describe("What it still needs: requirements the case fails, or that the event's data must meet"),
          unmet: z.array(z.string()).describe("Requirements the case fails now, whatever the data"),
        }),
      )
      .describe("Each way the event can go, in the order they are tried"),
  })
  .describe("An event that can be sent now, and what it needs");

const caseFields = {
  id: z.string().describe("Pseudonymous case id (case_…)"),
  country: z.string().describe("Country of the pathway"),
  pathwayVersion: z.number().int().describe("Pathway version the case is pinned to"),
  stage: z.string().describe("Top-level stage id"),
  state: z.string().describe("Full state path, e.g. screening.reasonableGrounds"),
  revision: z
    .number()
    .int()
    .describe("Incremented by every accepted event; send it back as expectedRevision"),
  assignee: z.string().nullable().describe("User or team the case is assigned to"),
  agency: z.string().nullable().describe("Agency that owns the case"),
  createdAt: z.string().describe("ISO instant"),
  updatedAt: z.string().describe("ISO instant of the last accepted event"),
  outcome: z.string().optional().describe("Closed outcome, when the case is closed"),
};

/** The fields a case and its list summary share (never the person). */
export type CaseFields = z.infer<z.ZodObject<typeof caseFields>>;

export const CaseView = z
  .object({
    ...caseFields,
    facts: z.record(z.string(), z.unknown()).describe("Non-personal facts recorded by events"),
    allowedEvents: z.array(AllowedEventView).describe("Events that can be sent now"),
    tasks: z.array(TaskView).describe("Open tasks, earliest due first"),
  })
  .describe("A case");
export type CaseView = z.infer<typeof CaseView>;

export const CaseSummaryView = z
  .object({
    ...caseFields,
    nextDueAt: z.string().nullable().describe("Earliest due time of the open tasks"),
    overdue: z.boolean().describe("An open task is past due"),
  })
  .describe("A case in a list (no personal data, no allowed events)");
export type CaseSummaryView = z.infer<typeof CaseSummaryView>;

export const CaseListView = z
  .object({
    items: z.array(CaseSummaryView).describe("Cases"),
    nextCursor: z.string().nullable().describe("Cursor of the next page, null at the end"),
  })
  .describe("A page of cases");
export type CaseListView = z.infer<typeof CaseListView>;

export const HistoryEntryView = z
  .object({
    seq: z.number().int().describe("1-based position; equals the revision the event produced"),
    event: z.string().describe("Event type (CASE_OPENED for the opening)"),
    data: z.record(z.string(), z.unknown()).describe("Event data with personal fields withheld"),
    withheld: z.array(z.string()).describe("Keys of personal fields whose values are withheld"),
    from: z.string().nullable().describe("Leaf state before"),
    to: z.string().describe("Leaf state after"),
    actor: z.string().describe("Who sent it"),
    at: z.string().describe("ISO instant"),
    pathwayVersion: z.number().int().describe("Pathway version in force"),
  })
  .describe("One accepted event");
