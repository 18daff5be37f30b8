import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { NotificationMessage } from "./channel.ts";
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  signBody,
  verifySignature,
  WebhookChannel,
  WebhookError,
} from "./webhook.ts";

const SECRET = "a-test-secret-of-at-least-32-characters";

const message: NotificationMessage = {
  id: "task_1:0",
  type: "reminder",
  caseId: "case_1",
  task: {
    id: "task_1",
    definitionId: "screening",
    kind: "deadline",
    state: "screening",
    dueAt: "2026-01-01T00:00:00.000Z",
    label: { en: "Screening" },
  },
  step: 0,
  recipient: { role: "caseworker", agency: "dsw" },
  firedAt: "2026-01-01T00:00:00.000Z",
};

let server: Server | undefined;

function receiver(
  status: number,
): Promise<{ url: string; requests: { headers: IncomingMessage["headers"]; body: string }[] }> {
  const requests: { headers: IncomingMessage["headers"]; body: string }[] = [];
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      requests.push({ headers: req.headers, body });
      res.writeHead(status).end();
    });
  });
  return new Promise((resolve) =>
    server!.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`, requests }),
    ),
  );
}

afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe("webhook channel", () => {
  it("posts the JSON notification with an HMAC signature of the raw body and the delivery id", async () => {
    const { url, requests } = await receiver(204);
    await new WebhookChannel({ url, secret: SECRET }).send(message);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(JSON.parse(request!.body)).toEqual(message);
    expect(request!.headers[DELIVERY_HEADER]).toBe("task_1:0");
    expect(request!.headers[SIGNATURE_HEADER]).toBe(signBody(request!.body, SECRET));
    expect(verifySignature(request!.body, request!.headers[SIGNATURE_HEADER] as string, SECRET)).toBe(true);
  });

  it("a signature does not verify under another secret or for an altered body", async () => {
    const body = JSON.stringify(message);
    const header = signBody(body, SECRET);
    expect(verifySignature(body, header, `${SECRET}x`)).toBe(false);
    expect(verifySignature(body.replace("case_1", "case_2"), header, SECRET)).toBe(false);
    expect(verifySignature(body, undefined, SECRET)).toBe(false);
  });

  it("throws on a non-2xx answer, naming the status only", async () => {
    const { url } = await receiver(503);
    await expect(new WebhookChannel({ url, secret: SECRET }).send(message)).rejects.toThrow(
      new WebhookError("webhook answered HTTP 503"),
    );
  });

  it("throws when nothing listens", async () => {
    const { url } = await receiver(200);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    await expect(new WebhookChannel({ url, secret: SECRET }).send(message)).rejects.toBeInstanceOf(
      WebhookError,
    );
  });
});
