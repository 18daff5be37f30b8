/**
 * A real Passerelle server for the browser tests: the app with every protection on, a real SQLite
 * file in a temporary directory, listening on a free port, serving the console built by
 * build-once.ts. Users get real passwords; the browser signs in through the login page.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PATHWAYS_DIR } from "@passerelle/definitions";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../server/src/app.ts";
import { createAgency, createUser } from "../../server/src/auth/directory.ts";
import { hashPassword } from "../../server/src/auth/password.ts";
import type { Role } from "../../server/src/auth/roles.ts";
import { tempDir } from "../../server/src/testing/build.ts";

export const CONSOLE_DIST = fileURLToPath(new URL("../dist/", import.meta.url));
export const PASSWORD = "correct horse battery staple";

export interface TestServer {
  app: FastifyInstance;
  url: string;
  /** Creates a user with PASSWORD and returns its login. */
  user(role: Role, agency?: string, country?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startServer(options: { idleMinutes?: number } = {}): Promise<TestServer> {
  const dir = tempDir();
  const app = await buildApp({
    databaseUrl: join(dir, "console.db"),
    pathwayDirs: [PATHWAYS_DIR],
    logger: { level: "warn" },
    protections: true,
    keys: { keyFile: join(dir, "keys.json"), generateIfMissing: true },
    console: {
      dir: CONSOLE_DIST,
      ...(options.idleMinutes !== undefined && { idleMinutes: options.idleMinutes }),
    },
  });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  const passwordHash = await hashPassword(PASSWORD);
  let n = 0;
  return {
    app,
    url: address,
    async user(role, agency = "mogcsp", country = "GH") {
      const agencyId = `${country}:${agency}`;
      n += 1;
      const login = `${role}${n}`;
      await app.store.transaction(async (tx) => {
        if (!(await tx.directory.getAgency(agencyId)))
          await createAgency(tx.directory, {
            country,
            code: agency,
            name: `${agency} (test)`,
            kind: "government",
          });
        await createUser(tx.directory, { agencyId, login, role, passwordHash });
      });
      return login;
    },
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
