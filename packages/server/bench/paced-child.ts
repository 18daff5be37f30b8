/**
 * `paced` (bench/lib.ts) in a process of its own: reads `{ url, load, options }` as JSON on stdin,
 * runs the open-loop load and prints its figures as one JSON line. Started by `pacedInFreshProcess`,
 * so that the load generator measuring a latency at a steady rate has a fresh heap: the benchmark's
 * own process, after the event runs, holds tens of MB and collects them every second or two, and
 * those pauses (and the CPU they take from the server on the same two cores) were counted in the
 * latencies.
 */
import { type PacedLoad, paced } from "./lib.ts";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { url, load, options } = JSON.parse(input) as {
  url: string;
  load: PacedLoad;
  options: Parameters<typeof paced>[2];
};
process.stdout.write(`${JSON.stringify(await paced(url, load, options))}\n`);
