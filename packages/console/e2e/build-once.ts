/**
 * vitest globalSetup: build the console (what the server serves at `/`) before any test file runs,
 * and start the screenshots folder afresh so it shows this run's screens only.
 */
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "vite";

export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  rmSync(`${root}/screenshots`, { recursive: true, force: true });
  await build({ root, logLevel: "error", configFile: `${root}/vite.config.ts` });
}
