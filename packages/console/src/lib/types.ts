/** The shapes of the API's answers the console reads (see the server's OpenAPI document). */
export type Labels = Record<string, string>;

export interface User {
  userId: string;
  agencyId: string;
  country: string;
  role: "caseworker" | "supervisor" | "committee" | "auditor" | "admin";
}

export interface Assignee {
  role: string;
  agency?: string;
}

export interface Task {
  id: string;
  caseId: string;
  taskId: string;
  kind: string;
  state: string;
  status: "open" | "done" | "cancelled";
  dueAt: string;
  overdue: boolean;
  assignee: Assignee;
  label: Labels;
  escalation?: { step: number; at: string; notify: Assignee }[];
}

export interface AllowedEvent {
  type: string;
  label: Labels;
  dataSchema: Record<string, unknown>;
  roles: string[];
  blockedBy: string[];
}

export interface CaseSummary {
  id: string;
  country: string;
  pathwayVersion: number;
  stage: string;
  state: string;
  revision: number;
  assignee: string | null;
  agency: string | null;
  createdAt: string;
  updatedAt: string;
  outcome?: string;
  nextDueAt: string | null;
  overdue: boolean;
}

export interface CaseView extends Omit<CaseSummary, "nextDueAt" | "overdue"> {
  facts: Record<string, unknown>;
  allowedEvents: AllowedEvent[];
  tasks: Task[];
}

export interface HistoryEntry {
  seq: number;
  event: string;
  data: Record<string, unknown>;
  withheld: string[];
  from: string | null;
  to: string;
  actor: string;
  at: string;
  pathwayVersion: number;
}

export interface StateNode {
  label: Labels;
  states?: Record<string, StateNode>;
  type?: "final";
}

export interface PathwayDefinition {
  country: string;
  version: number;
  languages: string[];
  timezone: string;
  calendar?: { weekend: number[]; holidays: string[] };
  title: Labels;
  agencies: { id: string; name: Labels; kind?: string }[];
  states: Record<string, StateNode>;
  events: Record<string, { label: Labels; data?: Record<string, FieldSpec> }>;
}

export interface VersionSummary {
  version: number;
  status: "draft" | "published";
  hash: string;
  effectiveDate: string;
  publishedAt: string | null;
  title: Labels;
}

export interface CountryPathways {
  country: string;
  latestPublished: number | null;
  versions: VersionSummary[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface FieldSpec {
  type: string;
  label: Labels;
  values?: string[];
  valueLabels?: Record<string, Labels>;
}
