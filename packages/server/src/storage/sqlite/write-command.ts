/**
 * The store's writes as data. A closure cannot cross into the writer thread, so each hot write the
 * routes make is a named command with plain arguments; `CaseWrites.execute` runs it on whichever
 * connection holds the write (the request thread's, or the writer thread's).
 */
import type { AuditDraft } from "../../audit/audit-log.ts";
import type { EventCommand } from "../../cases/decide-event.ts";
import type { NewCase } from "../records.ts";

export type WriteCommand =
  | { type: "createCase"; input: NewCase }
  | { type: "applyEvent"; command: EventCommand }
  | {
      type: "completeTask";
      taskId: string;
      input: { note?: string; actor: string; at: string; audit?: AuditDraft };
    }
  | { type: "appendAudit"; draft: AuditDraft };
