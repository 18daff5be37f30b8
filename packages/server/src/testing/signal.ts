/**
 * Test helper: a promise and the function that resolves it, for a test to hold work at a point
 * (`await signal.done`) and let it go on (`signal.fire()`), or to learn that work reached a point.
 */
export interface Signal {
  done: Promise<void>;
  fire: () => void;
}

export function signal(): Signal {
  let fire!: () => void;
  const done = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { done, fire };
}
