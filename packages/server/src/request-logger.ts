/**
 * Fastify's per-request logger (`request.log`, `reply.log`), made only when something logs through
 * it. Fastify builds a pino child with the request id for every request; under the server's redact
 * paths that is a pass of the redacting stringifier over the bindings and a new set of formatters,
 * about 2 % of an event's short-lived heap under load, for a logger that most requests never use:
 * their one line comes from the access logger (`OneLinePerRequest`). Errors and refusals log
 * through it, and then get the same child pino would have made (same bindings, same options).
 */
import type { FastifyBaseLogger } from "fastify";
import type { Bindings, ChildLoggerOptions } from "pino";

type Log = (...args: unknown[]) => void;

class RequestLogger {
  #made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions | undefined,
  ) {}

  private get made(): FastifyBaseLogger {
    this.#made ??= this.parent.child(this.bindings, this.options);
    return this.#made;
  }

  get level(): string {
    return this.#made?.level ?? this.options?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.made.level = level;
  }

  fatal(...args: unknown[]): void {
    (this.made.fatal as Log)(...args);
  }
  error(...args: unknown[]): void {
    (this.made.error as Log)(...args);
  }
  warn(...args: unknown[]): void {
    (this.made.warn as Log)(...args);
  }
  info(...args: unknown[]): void {
    (this.made.info as Log)(...args);
  }
  debug(...args: unknown[]): void {
    (this.made.debug as Log)(...args);
  }
  trace(...args: unknown[]): void {
    (this.made.trace as Log)(...args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.made.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: options only when a route sets some (pino's fast path otherwise). */
export function requestLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  const given = Object.keys(options).length > 0 ? options : undefined;
  return new RequestLogger(parent, bindings, given) as unknown as FastifyBaseLogger;
}
