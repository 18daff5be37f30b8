/**
 * Delivery inside the API process: task actions for the routes, and (when configured) the outbox
 * relay and sweep (REDIS_URL set) or the in-process scheduler (no Redis). It shares the app's
 * store (its transactions, whichever database runs). Closing the app stops delivery before the
 * store closes.
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Logger } from "pino";
import type { Channel } from "./channels/channel.ts";
import type { Clock } from "./clock.ts";
import { type DeliveryConfig, type DeliveryRuntime, startDelivery } from "./runtime.ts";
import { TaskActions } from "./task-actions.ts";

declare module "fastify" {
  interface FastifyInstance {
    taskActions: TaskActions;
    delivery: DeliveryRuntime | null;
  }
}

export interface DeliveryPluginOptions {
  /** Omit to serve task routes without running delivery (tests of other routes, CLI tools). */
  config?: DeliveryConfig;
  clock?: Clock;
  channels?: Channel[];
  pollIntervalMs?: number;
}

async function deliveryPlugin(app: FastifyInstance, options: DeliveryPluginOptions) {
  const store = app.store;
  app.decorate("taskActions", new TaskActions(store));
  let runtime: DeliveryRuntime | null = null;
  if (options.config) {
    runtime = await startDelivery({
      role: "api",
      config: options.config,
      storage: store,
      logger: app.log as unknown as Logger,
      ...(options.clock && { clock: options.clock }),
      ...(options.channels && { channels: options.channels }),
      ...(options.pollIntervalMs && { pollIntervalMs: options.pollIntervalMs }),
    });
  }
  app.decorate("delivery", runtime);
  // preClose: delivery stops (in-flight deliveries finish) before the store drains and closes.
  app.addHook("preClose", async () => {
    await runtime?.close();
  });
}

export default fp(deliveryPlugin, { name: "delivery", dependencies: ["store"] });
