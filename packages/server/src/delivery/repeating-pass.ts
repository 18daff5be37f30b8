/**
 * A pass that never overlaps itself, repeated on a timer until stopped. The outbox relay and the
 * in-process scheduler both work this way: a tick (or a caller) asking for a pass while one runs
 * joins it, a failed pass is logged and the next tick tries again, and `stop()` waits for the pass
 * in flight so shutdown never cuts a delivery in half.
 */
export class RepeatingPass<T> {
  readonly #pass: () => Promise<T>;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<T> | undefined;

  constructor(pass: () => Promise<T>, onError: (error: unknown) => void) {
    this.#pass = pass;
    this.#onError = onError;
  }

  /** Runs one pass now, or joins the one already running. */
  run(): Promise<T> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  start(intervalMs: number): void {
    const tick = () => {
      this.run()
        .catch(this.#onError)
        .finally(() => {
          if (this.#timer) this.#timer = setTimeout(tick, intervalMs);
        });
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
