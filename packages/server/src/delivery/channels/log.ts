/**
 * The structured-log channel: one pino line per reminder, escalation or notice, so that a single-machine
 * deployment with no webhook still has a record operators can ship to their log system.
 */
import type { Logger } from "pino";
import type { Channel, NotificationMessage } from "./channel.ts";

export class LogChannel implements Channel {
  readonly name = "log";
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger.child({ channel: "log" });
  }

  async send(message: NotificationMessage): Promise<void> {
    // Only ids, roles and times: the message type carries no personal data, and labels are the pathway's.
    this.#logger.info(
      {
        notification: {
          id: message.id,
          type: message.type,
          caseId: message.caseId,
          ...(message.task && {
            taskId: message.task.id,
            task: message.task.definitionId,
            dueAt: message.task.dueAt,
          }),
          ...(message.notice && { state: message.notice.state }),
          step: message.step,
          recipient: message.recipient,
        },
      },
      message.type === "notice" ? "case entered a state" : `task ${message.type}`,
    );
  }
}
