/**
 * pino logger with request ids and no personal data: bodies are never logged (fastify logs only
 * method, url and status), and the redact paths below are a second line of defence should a
 * future log call pass a request or a case.
 */
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
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    options.destination ?? pino.destination(1),
  );
}
