/**
 * A channel that keeps what it is handed, in memory. For tests and the benchmark, which count what
 * reached "the channel" without a network in between; never configured in production.
 */
import type { Channel, NotificationMessage } from "./channel.ts";

export class MemoryChannel implements Channel {
  readonly name: string;
  readonly received: NotificationMessage[] = [];
  /** Called with each message; the benchmark uses it to time the last arrival. */
  onSend?: (message: NotificationMessage) => void;

  constructor(name = "memory") {
    this.name = name;
  }

  async send(message: NotificationMessage): Promise<void> {
    this.received.push(message);
    this.onSend?.(message);
  }
}
