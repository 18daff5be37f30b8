import { describe, expect, it } from "vitest";
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
    const errors: unknown[] = [];
    let passes = 0;
    let finished = 0;
    const loop = new RepeatingPass(
      async () => {
        passes++;
        if (passes === 1) throw new Error("first pass fails");
        await new Promise((resolve) => setTimeout(resolve, 5));
        finished++;
      },
      (error) => errors.push(error),
    );
    loop.start(1);
    while (passes < 3) await new Promise((resolve) => setTimeout(resolve, 1));
    await loop.stop();
    expect(errors).toHaveLength(1);
    expect(finished).toBe(passes - 1);
  });
});
