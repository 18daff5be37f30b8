#!/usr/bin/env node
/**
 * Launcher for the `passerelle` CLI: registers tsx in this process and runs src/cli/main.ts, so the
 * TypeScript sources run as they are, with no build step. Works as `pnpm passerelle …` from the
 * repository root and as `pnpm --filter @passerelle/server exec passerelle …`.
 */
import { register } from "tsx/esm/api";

// `pnpm passerelle …` runs the root script in the repository root; relative file arguments mean
// the directory the user typed the command in, which pnpm passes as INIT_CWD.
if (process.env.npm_lifecycle_event === "passerelle" && process.env.INIT_CWD)
  process.chdir(process.env.INIT_CWD);

register();
await import("../src/cli/main.ts");
