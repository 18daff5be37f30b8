import { describe, expect, it, vi } from "vitest";
import { RepeatingPass } from "./repeating-pass.ts";

describe("RepeatingPass", () => {
  it("joins a pass already running instead of starting a second one", async () => {
    let passes = 0;
    let release!: () => void;
    const loop = new RepeatingPass(
      () => {
        passes++;
        return new Promise<number>((resolve) => {
          release = () => resolve(passes);
        });
      },
      () => {},
    );
    const first = loop.run();
    const second = loop.run();
    release();
    expect(await Promise.all([first, second])).toEqual([1, 1]);
    expect(passes).toBe(1);
  });

  it("keeps going after a failed pass and stop() waits for the pass in flight", async () => {
    // The timer is moved by hand and the third pass is released by hand: nothing depends on timing.
    vi.useFakeTimers();
    try {
      const errors: unknown[] = [];
      let passes = 0;
      let finished = 0;
      let releaseThird!: () => void;
      const loop = new RepeatingPass(
        async () => {
          passes++;
          if (passes === 1) throw new Error("first pass fails");
          if (passes === 3) await new Promise<void>((resolve) => (releaseThird = resolve));
          finished++;
        },
        (error) => errors.push(error),
      );
      loop.start(10);
      await vi.advanceTimersByTimeAsync(0);
      expect([passes, errors.length]).toEqual([1, 1]);
      await vi.advanceTimersByTimeAsync(10);
      expect([passes, finished]).toEqual([2, 1]);
      await vi.advanceTimersByTimeAsync(10);
      expect(passes).toBe(3);

      let stopped = false;
      const stopping = loop.stop().then(() => {
        stopped = true;
      });
      await vi.advanceTimersByTimeAsync(100);
      // Still in flight: stop() has not returned, and no new pass started.
      expect([stopped, passes, finished]).toEqual([false, 3, 1]);
      releaseThird();
      await stopping;
      expect([passes, finished, errors.length]).toEqual([3, 2, 1]);
      await vi.advanceTimersByTimeAsync(100);
      expect(passes).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
