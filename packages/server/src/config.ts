/**
 * Configuration from the environment, validated once at boot. A bad value stops the server with a
 * message naming the variable, rather than failing later in a request.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";

export const Config = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe("TCP port to listen on"),
    HOST: z.string().min(1).default("127.0.0.1").describe("Interface to listen on"),
    DATABASE_URL: z
      .string()
      .regex(/^(file:.+|postgres(ql)?:\/\/.+)/, {
        message:
          "must be a SQLite file URL such as file:./data/passerelle.db, or a PostgreSQL URL such as postgres://passerelle@db.internal:5432/passerelle",
      })
      .default("file:./data/passerelle.db")
      .describe(
        "The database: a SQLite file, `file:<path>` relative to the working directory, or PostgreSQL, `postgres://user@host:port/dbname` (docs/operations.md, PostgreSQL)",
      ),
    DATABASE_POOL_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(200)
      .default(10)
      .describe(
        "PostgreSQL only: connections this process holds at most; every instance and worker counts against the server's max_connections",
      ),
    TRUST_PROXY: z
      .string()
      .regex(/^[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*$/, {
        message: "must be a comma-separated list of proxy addresses or CIDRs, such as 127.0.0.1,10.0.0.0/8",
      })
      .optional()
      .transform((v) => v?.split(","))
      .describe(
        "Reverse proxies whose X-Forwarded-For is believed (client address for login limits and the audit log); unset = none",
      ),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info")
      .describe("pino log level"),
    // Delivery: reminders, escalations and notices.
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/.+/, { message: "must be a Redis URL such as redis://127.0.0.1:6379" })
      .optional()
      .describe("Redis for BullMQ delivery; unset = in-process scheduler over the database (single machine)"),
    DELIVERY_QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default("passerelle")
      .describe("BullMQ key prefix, to share one Redis between deployments"),
    DELIVERY_SWEEP_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .default(60_000)
      .describe("How often the reconciliation sweep (BullMQ) or the scheduler's catch-up runs, in ms"),
    WEBHOOK_URL: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("Receiver of signed reminder webhooks; unset = log channel only"),
    WEBHOOK_SECRET: z
      .string()
      .min(32, { message: "must be at least 32 characters" })
      .optional()
      .describe("HMAC-SHA256 key of the X-Passerelle-Signature header; required with WEBHOOK_URL"),
    WEBHOOK_MAX_ATTEMPTS: z.coerce
      .number()
      .int()
      .min(1)
      .max(20)
      .default(8)
      .describe("Attempts per webhook notification before it is dead-lettered"),
  })
  .refine((c) => !c.WEBHOOK_URL || c.WEBHOOK_SECRET, {
    message: "WEBHOOK_SECRET is required when WEBHOOK_URL is set",
    path: ["WEBHOOK_SECRET"],
  })
  .describe("Server configuration from the environment");
export type Config = z.infer<typeof Config>;

/** Parses the environment; throws an Error whose message lists every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = Config.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

/**
 * The directory the user ran the command in: pnpm runs package scripts in the package directory
 * and passes the caller's directory as INIT_CWD, so `pnpm start` and `pnpm passerelle seed` from
 * the repository root agree on `./data/passerelle.db`.
 */
export function invocationDir(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/**
 * The database a URL names, as the store opens it: a PostgreSQL URL as given; a SQLite `file:` URL
 * as its absolute file (relative to where the command was run), its directory created.
 */
export function storeUrl(url: string, cwd: string = invocationDir()): string {
  return /^postgres(ql)?:\/\//.test(url) ? url : databaseFile(url, cwd);
}

/**
 * How a database is named in output and logs: a SQLite file as its path; PostgreSQL as host, port
 * and database name, never its user or password.
 */
export function databaseLabel(url: string): string {
  if (!/^postgres(ql)?:\/\//.test(url)) return url;
  const parsed = new URL(url);
  return `${parsed.hostname || "localhost"}:${parsed.port || "5432"}${parsed.pathname}`;
}

/** The absolute database file of a `file:` URL (SQLite only), with its directory created. */
export function databaseFile(url: string, cwd: string = invocationDir()): string {
  const file = resolve(cwd, url.replace(/^file:/, ""));
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  return file;
}
