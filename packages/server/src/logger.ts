/**
 * pino logger with request ids and no personal data: bodies are never logged (fastify logs only
 * method, url and status), and the redact paths below are a second line of defence should a
 * future log call pass a request or a case.
 */
import { LogController } from "fastify";
import pino, { type DestinationStream, type Logger } from "pino";

export interface LoggerOptions {
  level?: string;
  /** Where to write (tests capture it); default stdout. */
  destination?: DestinationStream;
}

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
  const destination = options.destination ?? bufferedDestination(1);
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
      if (!options.destination) (destination as ReturnType<typeof pino.destination>).flushSync();
    },
  };
}

/** At most this long between a line and its write(2), however quiet the server. */
export const LOG_FLUSH_MS = 200;

/**
 * Lines gathered up to 4 KiB (a dozen lines) per write(2), in the background (sonic-boom), rather
 * than one system call per line under load. Without the periodic flush a quiet server held its
 * last lines until 4 KiB had gathered: a server that answered a few requests showed none of them,
 * and lost them if killed.
 */
export function bufferedDestination(fd: number): ReturnType<typeof pino.destination> {
  return pino.destination({ dest: fd, sync: false, minLength: 4096, periodicFlush: LOG_FLUSH_MS });
}

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
