/**
 * pino logger with request ids and no personal data: bodies are never logged (fastify logs only
 * method, url and status), and the redact paths below are a second line of defence should a
 * future log call pass a request or a case.
 */
import { writeSync } from "node:fs";
import { createRequire } from "node:module";
import { LogController } from "fastify";
import pino, { type DestinationStream, type Logger } from "pino";
import type { SonicBoom as SonicBoomClass } from "sonic-boom";

export interface LoggerOptions {
  level?: string;
  /** Where to write (tests capture it); default stdout. */
  destination?: DestinationStream;
}

// A CommonJS module: Node's ESM loader does not see its `SonicBoom` property as a named export, and
// the type of its default export differs between the server's and the console's module resolution.
const SonicBoom: typeof SonicBoomClass = createRequire(import.meta.url)("sonic-boom");
type SonicBoom = SonicBoomClass;

export const REDACT_PATHS = [
  "person",
  "*.person",
  "body",
  "*.body",
  "req.body",
  "identification",
  "*.identification",
  "note",
  "*.note",
  "data",
  "*.data",
  "req.headers.authorization",
  "req.headers.cookie",
];

export function createLogger(options: LoggerOptions): Logger {
  return createLoggers(options).logger;
}

/**
 * The URL as logged: the path (ids only) and the names of the query parameters, never their values.
 * A value may be a token a client put in the URL by mistake, or free text typed into a filter —
 * refused, but still a request line — so none is written.
 */
export function loggedUrl(url: string): string {
  const q = url.indexOf("?");
  if (q === -1) return url;
  const names = [...new URLSearchParams(url.slice(q + 1)).keys()];
  return `${url.slice(0, q)}?${names.map((name) => `${encodeURIComponent(name)}=[withheld]`).join("&")}`;
}

const SERIALIZERS = {
  req: (req: { id: string; method: string; url: string }) => ({
    id: req.id,
    method: req.method,
    url: loggedUrl(req.url),
  }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};

/**
 * The server's loggers, on one destination:
 * - `logger`: every log call of the code, with the redact paths above;
 * - `access`: the one line per request (`OneLinePerRequest`), written from fixed fields only —
 *   request id, method, URL (ids only: no personal data in URLs), status, time — so it needs no
 *   redaction (which was half the cost of that line).
 * On stdout, lines are written in the background (`bufferedDestination`); `flush` writes what is
 * buffered, at shutdown.
 */
export function createLoggers(options: LoggerOptions): { logger: Logger; access: Logger; flush(): void } {
  const buffered = options.destination ? undefined : bufferedDestination(1);
  const destination = options.destination ?? buffered!;
  const level = options.level ?? "info";
  const logger = pino(
    { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, serializers: SERIALIZERS },
    destination,
  );
  const access = pino({ level, serializers: SERIALIZERS }, destination);
  return {
    logger,
    access,
    flush: () => {
      if (!buffered) return;
      flushQuietly(buffered);
      unflushed.delete(buffered);
    },
  };
}

/** At most this long between a line and its write(2), however quiet the server. */
export const LOG_FLUSH_MS = 200;

/**
 * At most this much of the log waits for its reader (some 60,000 request lines); beyond it new lines
 * are dropped, and that is said once on stderr. Without a bound, sonic-boom keeps every line it
 * could not write: with a reader gone, the heap grew by each request's line (40 MB per 200,000
 * lines, measured).
 */
export const LOG_BUFFER_MAX = 16 * 1024 * 1024;

/**
 * Lines gathered up to 4 KiB (a dozen lines) per write(2), in the background, rather than one
 * system call per line under load. Without the periodic flush a quiet server held its last lines
 * until 4 KiB had gathered: a server that answered a few requests showed none of them, and lost
 * them if killed.
 *
 * sonic-boom 5 rather than the 4 pino bundles (`pino.destination`): 4's `flushSync` retries any
 * failed write for ever, 100 ms at a time. When nothing read the server's output any more (a log
 * collector gone, a closed pipe: EPIPE), the flush at shutdown never returned, and the server
 * stopped listening but never exited (tested in `shutdown.test.ts`). Output that cannot be written
 * is given up: the server goes on without its log rather than failing requests or its shutdown,
 * and says so once on stderr.
 */
export function bufferedDestination(fd: number): SonicBoom {
  const stream = new SonicBoom({
    fd,
    sync: false,
    minLength: 4096,
    maxLength: LOG_BUFFER_MAX,
    periodicFlush: LOG_FLUSH_MS,
  });
  stream.on("error", (error: NodeJS.ErrnoException) =>
    sayOnce(`the log output failed (${error.code ?? error.message}); going on without it`),
  );
  stream.on("drop", () =>
    sayOnce(`the log's reader is behind; lines beyond ${LOG_BUFFER_MAX / 2 ** 20} MiB waiting are dropped`),
  );
  unflushed.add(stream);
  return stream;
}

/** Writes what is buffered; output that cannot be written any more is given up (see above). */
function flushQuietly(stream: SonicBoom): void {
  try {
    stream.flushSync();
  } catch {
    // The reader is gone or the stream closed: nothing more can be written.
  }
}

/** A note about the log itself, on stderr, once per process (not once per failed write). */
const said = new Set<string>();
function sayOnce(note: string): void {
  if (said.has(note)) return;
  said.add(note);
  try {
    writeSync(2, `passerelle: ${note}\n`);
  } catch {
    // stderr is gone too: there is nowhere left to say it.
  }
}

/**
 * Destinations not yet flushed by their app's close, written at process exit (a forced exit after
 * close-with-grace's delay still writes its last lines). One exit listener for all of them: an app
 * per test must not add one each.
 */
const unflushed = new Set<SonicBoom>();
process.once("exit", () => {
  for (const pending of unflushed) flushQuietly(pending);
});

type Request = Parameters<LogController["incomingRequest"]>[0];
type Reply = Parameters<LogController["incomingRequest"]>[1];

/**
 * One log line per request instead of Fastify's two ("incoming request" + "request completed"):
 * the completion line carries the request (method, url — ids only — and reqId) and the status.
 * Log writes were ~6 % of an event's CPU under load. Errors and refusals still log their own line,
 * through the request's (redacting) logger.
 */
export class OneLinePerRequest extends LogController {
  constructor(private readonly access?: Logger) {
    super();
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: Request, reply: Reply): void {
    if (error) {
      reply.log.error(
        { req: request, res: reply, err: error, responseTime: reply.elapsedTime },
        "request errored",
      );
    } else if (this.access) {
      this.access.info(
        { reqId: request.id, req: request, res: reply, responseTime: reply.elapsedTime },
        "request completed",
      );
    } else {
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, "request completed");
    }
  }
}
