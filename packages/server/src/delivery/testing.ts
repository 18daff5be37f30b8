/**
 * Test and benchmark fixtures for delivery: a real SQLite file with the real migrations, tasks
 * written through the real store (as a transition writes them), and a silent logger.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Assignee } from "@passerelle/definitions";
import type { ScheduledEscalation } from "@passerelle/engine";
import { pino } from "pino";
import { newCaseId } from "../ids.ts";
import type { NoticeToSend, TaskRecord, TransitionWrite } from "../storage/records.ts";
import { openDatabase } from "../storage/sqlite/open.ts";
import { SqliteCaseStore } from "../storage/sqlite/sqlite-case-store.ts";
import { initialDelivery } from "./ladder.ts";

export const silentLogger = pino({ level: "silent" });

export interface DeliveryFixture {
  dir: string;
  file: string;
  store: SqliteCaseStore;
  sqlite: ReturnType<typeof openDatabase>["sqlite"];
  /** Opens a case whose opening schedules these tasks (and writes these notices); returns its open tasks. */
  openCaseWithTasks(tasks: TaskSpecLite[], at?: string, notices?: NoticeToSend[]): Promise<TaskRecord[]>;
  close(): Promise<void>;
}

export interface TaskSpecLite {
  id?: string;
  due: string;
  assignee?: Assignee;
  /** Rung times and recipients; default: caseworker at due. */
  escalation?: Omit<ScheduledEscalation, "step">[];
}

export function openFixture(): DeliveryFixture {
  const dir = mkdtempSync(join(tmpdir(), "passerelle-delivery-"));
  const file = join(dir, "test.db");
  const { sqlite } = openDatabase(file);
  const store = new SqliteCaseStore(sqlite);
  return {
    dir,
    file,
    store,
    sqlite,
    async openCaseWithTasks(specs, at = new Date(0).toISOString(), notices = []) {
      const schedule: TransitionWrite["schedule"] = specs.map((spec, i) => {
        const assignee = spec.assignee ?? { role: "caseworker", agency: "police" };
        const rungs = spec.escalation ?? [{ at: spec.due, notify: assignee }];
        const escalation = rungs.map((rung, step) => ({ ...rung, step }));
        return {
          key: `identification/${spec.id ?? "task"}-${i}#1`,
          taskId: spec.id ?? "task",
          kind: "deadline",
          state: "identification",
          due: spec.due,
          assignee,
          escalation,
          label: { en: "Deadline" },
          occurrence: 1,
          firstRung: initialDelivery(escalation),
        };
      });
      const aggregate = await store.transaction((tx) =>
        tx.cases.create(
          {
            id: newCaseId(),
            country: "ZZ",
            pathwayVersion: 1,
            assignee: null,
            agency: "police",
            person: {},
            identification: {},
            ageBand: null,
            opening: {
              snapshot: { state: "identification", facts: {}, enteredAt: { identification: at } },
              stage: "identification",
              state: "identification",
              outcome: null,
              history: {
                eventType: "CASE_OPENED",
                data: {},
                personalFields: [],
                fromState: null,
                toState: "identification",
                actor: "test",
                at,
              },
              schedule,
              cancelStates: [],
              consents: [],
              endGrants: [],
              notices,
            },
          },
          null,
        ),
      );
      return aggregate.openTasks;
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Delivery records of a task, oldest first. */
export function notificationsOf(sqlite: DeliveryFixture["sqlite"], taskId: string) {
  return sqlite
    .prepare(
      "select step, channel, status, attempts, recipient_role as role from notifications where task_id = ? order by step, channel",
    )
    .all(taskId) as { step: number; channel: string; status: string; attempts: number; role: string }[];
}
