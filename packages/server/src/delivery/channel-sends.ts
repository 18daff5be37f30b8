/**
 * The per-channel claim that makes every send idempotent, for reminders (`handler.ts`) and notices
 * (`notice-handler.ts`) alike: each (message, channel) is claimed in `notifications` (unique key)
 * with a lease before sending, so two passes or two workers never both send it; a failed channel is
 * retried until `maxAttempts`, then dead-lettered.
 */
import type { NewChannelSend } from "../storage/delivery-repository.ts";
import type { Repositories } from "../storage/storage.ts";
import type { Channel, NotificationMessage } from "./channels/channel.ts";

export interface ChannelClaim {
  toSend: Channel[];
  /** Another worker holds the lease on a channel: try again later. */
  busy: boolean;
}

export type SendResult = { channel: string; error: string | null };

/** Claims every channel not sent yet (inside a transaction). */
export async function claimChannels(
  tx: Repositories,
  channels: readonly Channel[],
  send: Omit<NewChannelSend, "channel">,
): Promise<ChannelClaim> {
  const toSend: Channel[] = [];
  let busy = false;
  for (const channel of channels) {
    const existing = await tx.delivery.channelSend(send.key, channel.name);
    if (!existing) {
      await tx.delivery.claimChannelSend({ ...send, channel: channel.name });
      toSend.push(channel);
    } else if (existing.status === "sent" || existing.status === "dead") {
      // Settled by an earlier delivery of this message: never send twice.
    } else if (existing.status === "sending" && existing.claimedUntil && existing.claimedUntil > send.at) {
      busy = true;
    } else {
      await tx.delivery.reclaimChannelSend(send.key, channel.name, send.leaseUntil);
      toSend.push(channel);
    }
  }
  return { toSend, busy };
}

/** Sends through every claimed channel at once; a channel's failure is a result, not a throw. */
export function sendThrough(
  channels: readonly Channel[],
  message: NotificationMessage,
): Promise<SendResult[]> {
  return Promise.all(
    channels.map(async (channel) => {
      try {
        await channel.send(message);
        return { channel: channel.name, error: null };
      } catch (error) {
        return { channel: channel.name, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

/**
 * Records what each channel did (inside a transaction). Returns the most attempts among the
 * channels to retry (0: nothing to retry), for the backoff.
 */
export async function recordSends(
  tx: Repositories,
  key: string,
  results: readonly SendResult[],
  at: string,
  maxAttempts: number,
): Promise<number> {
  let maxRetryAttempts = 0;
  for (const result of results) {
    if (result.error === null) {
      await tx.delivery.markChannelSent(key, result.channel, at);
      continue;
    }
    const row = await tx.delivery.channelSend(key, result.channel);
    const attempts = row?.attempts ?? maxAttempts;
    const dead = attempts >= maxAttempts;
    await tx.delivery.markChannelFailed(
      key,
      result.channel,
      dead ? "dead" : "failed",
      result.error.slice(0, 500),
    );
    if (!dead) maxRetryAttempts = Math.max(maxRetryAttempts, attempts);
  }
  return maxRetryAttempts;
}

/** Backoff before attempt n+1 after n failures: `base × 2^(n−1)`, capped. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** (attempts - 1), maxMs);
}
