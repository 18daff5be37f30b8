/**
 * Signed webhooks. The body is the JSON notification; `X-Passerelle-Signature: sha256=<hex>` is the
 * HMAC-SHA256 of the exact body bytes under `WEBHOOK_SECRET`, so the receiver can check it came from
 * us and was not altered. `X-Passerelle-Delivery` repeats the notification id: a retry after a
 * timeout may deliver the same notification twice, and receivers deduplicate on it.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Channel, NotificationMessage } from "./channel.ts";

export const SIGNATURE_HEADER = "x-passerelle-signature";
export const DELIVERY_HEADER = "x-passerelle-delivery";

export interface WebhookOptions {
  url: string;
  secret: string;
  /** Per-request timeout; a receiver that does not answer in time counts as a failed attempt. */
  timeoutMs?: number;
}

/** `sha256=<hex HMAC-SHA256 of body>`. */
export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Constant-time check of a signature header against the raw body (for receivers and tests). */
export function verifySignature(body: string | Buffer, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A non-2xx answer or a network failure; the message names the status, never the payload. */
export class WebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookError";
  }
}

export class WebhookChannel implements Channel {
  readonly name = "webhook";
  readonly #options: Required<WebhookOptions>;

  constructor(options: WebhookOptions) {
    this.#options = { timeoutMs: 10_000, ...options };
  }

  async send(message: NotificationMessage): Promise<void> {
    const body = JSON.stringify(message);
    let response: Response;
    try {
      response = await fetch(this.#options.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [SIGNATURE_HEADER]: signBody(body, this.#options.secret),
          [DELIVERY_HEADER]: message.id,
        },
        body,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
    } catch (error) {
      throw new WebhookError(`webhook request failed: ${(error as Error).name}`);
    }
    // Drain the body so the connection is reused; its content is the receiver's business.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new WebhookError(`webhook answered HTTP ${response.status}`);
  }
}
