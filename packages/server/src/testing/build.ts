/**
 * Test helper: the app on a fresh SQLite file in a temporary directory, closed (and the directory
 * removed) by `close()`. Pass `file` to build again on the same database (restart tests).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { PATHWAYS_DIR } from "@passerelle/definitions";
import type { FastifyInstance } from "fastify";
import { type AppOptions, buildApp } from "../app.ts";

/** Directory with the tiny test pathway (ZZ) laid out as `<COUNTRY>/<version>.yaml`. */
export const TEST_PATHWAYS_DIR = new URL("./pathways/", import.meta.url).pathname;

export interface TestApp {
  app: FastifyInstance;
  file: string;
  dir: string;
  /** Every log line written so far. */
  logs: string[];
  close(options?: { keepFile?: boolean }): Promise<void>;
}

/** The key file of a test database: in its temporary directory, away from the user's own. */
export const testKeyFile = (dir: string) => join(dir, "keys", "keys.json");

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "passerelle-"));
}

export async function build(
  options: {
    file?: string;
    dir?: string;
    shipped?: boolean;
    protections?: boolean;
    trustProxy?: string[];
    durability?: AppOptions["durability"];
    compressionThreshold?: number;
  } = {},
): Promise<TestApp> {
  const dir = options.dir ?? tempDir();
  const file = options.file ?? join(dir, "test.db");
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const app = await buildApp({
    databaseFile: file,
    pathwayDirs: options.shipped === false ? [TEST_PATHWAYS_DIR] : [PATHWAYS_DIR, TEST_PATHWAYS_DIR],
    logger: { level: "info", destination },
    // Tests of workflow behaviour run without the protections (no token to send); the auth,
    // authorisation-matrix and data-protection tests pass `protections: true`.
    protections: options.protections ?? false,
    keys: { keyFile: testKeyFile(dir), generateIfMissing: true },
    ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }),
    ...(options.durability && { durability: options.durability }),
    ...(options.compressionThreshold !== undefined && { compressionThreshold: options.compressionThreshold }),
  });
  return {
    app,
    file,
    dir,
    logs,
    async close({ keepFile = false } = {}) {
      await app.close();
      if (!keepFile) rmSync(dir, { recursive: true, force: true });
    },
  };
}
