/**
 * Time as delivery sees it. Every "is it due?" decision reads an injected clock, so that tests and
 * the benchmark can move time without sleeping, and production reads the system clock.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to (tests, benchmark). */
export class ManualClock implements Clock {
  #ms: number;

  constructor(start: Date | string | number) {
    this.#ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  set(at: Date | string | number): void {
    this.#ms = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.#ms += ms;
  }
}
