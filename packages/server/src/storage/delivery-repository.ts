/**
 * What delivery reads and writes: the task outbox (rungs of escalation ladders waiting for the
 * relay, queued, due), the notices outbox, and the per-channel `notifications` that make every send
 * idempotent. Rows only: when a rung is due, who it goes to and when to retry are delivery's rules
 * (`delivery/`).
 */
import type { ScheduledEscalation } from "@passerelle/engine";

/** One rung of one task's ladder: its identity is (task, step, time). */
export interface Rung {
  taskId: string;
  step: number;
  at: string;
}

/** A task as delivery needs it. */
export interface DeliveryTask {
  id: string;
  caseId: string;
  taskId: string;
  kind: string;
  state: string;
  status: string;
  dueAt: string;
  escalation: ScheduledEscalation[];
  label: Record<string, string>;
  nextStep: number | null;
  nextAt: string | null;
}

/** A "case entered your state" notice waiting in its outbox. */
export interface DueNotice {
  id: string;
  caseId: string;
  state: string;
  recipientRole: string;
  recipientAgency: string | null;
  label: Record<string, string>;
  nextAt: string;
}

export type NotificationStatus = "sending" | "sent" | "failed" | "dead";

/** Where one (message, channel) send stands. */
export interface ChannelSend {
  status: NotificationStatus;
  attempts: number;
  claimedUntil: string | null;
}

/** A claim on one (message, channel): recorded before the send, with a lease. */
export interface NewChannelSend {
  key: string;
  /** The task, or for a notice the notice id. */
  taskId: string;
  caseId: string;
  step: number;
  kind: "reminder" | "escalation" | "notice";
  channel: string;
  recipient: { role: string; agency: string | null };
  leaseUntil: string;
  at: string;
}

export interface DeliveryRepository {
  /** Rungs waiting for the relay, due before `horizon`, oldest first. */
  rungsToQueue(horizon: string, limit: number): Promise<Rung[]>;
  /** The relay put these rungs on the queue (only those still waiting are marked). */
  markQueued(rungs: readonly Rung[], queuedAt: string): Promise<void>;
  /** Queued rungs due before `cutoff`, oldest first (the sweep's check that their job exists). */
  queuedRungsDueBefore(cutoff: string, limit: number): Promise<Rung[]>;
  /** These rungs go back to the outbox. */
  unqueue(rungs: readonly Rung[]): Promise<void>;
  /** Every queued rung goes back to the outbox (the queue lost its jobs); how many. */
  unqueueAll(): Promise<number>;
  /** Rungs of open tasks due now, oldest first (the in-process scheduler). */
  dueRungs(now: string, limit: number): Promise<Rung[]>;
  task(taskId: string): Promise<DeliveryTask | undefined>;
  /** Moves a task's next rung, only if it is still at `from` (a snooze or completion wins). */
  moveRung(
    taskId: string,
    from: { step: number; at: string },
    to: { step: number | null; at: string | null },
  ): Promise<void>;

  /** Open notices due now, oldest first. */
  dueNotices(now: string, limit: number): Promise<DueNotice[]>;
  postponeNotice(id: string, nextAt: string): Promise<void>;
  settleNotice(id: string): Promise<void>;

  /** Whether a pathway agency owns the case or holds a live grant on it; undefined: no such case. */
  agencySees(caseId: string, agency: string): Promise<boolean | undefined>;

  channelSend(key: string, channel: string): Promise<ChannelSend | undefined>;
  claimChannelSend(send: NewChannelSend): Promise<void>;
  /** Claims again a send that failed or whose lease ran out (one more attempt). */
  reclaimChannelSend(key: string, channel: string, leaseUntil: string): Promise<void>;
  markChannelSent(key: string, channel: string, at: string): Promise<void>;
  markChannelFailed(key: string, channel: string, status: "failed" | "dead", error: string): Promise<void>;
}
