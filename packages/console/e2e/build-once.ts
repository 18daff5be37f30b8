/** vitest globalSetup: build the console (what the server serves at `/`) before any test file runs. */
import { fileURLToPath } from "node:url";
import { build } from "vite";

export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  await build({ root, logLevel: "error", configFile: `${root}/vite.config.ts` });
}
