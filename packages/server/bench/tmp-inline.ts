import { PATHWAYS_DIR } from "@passerelle/definitions";
import { buildApp } from "../src/app.ts";
import { TEST_PATHWAYS_DIR } from "../src/testing/build.ts";
const app = await buildApp({ databaseFile: "/tmp/p1m/million.db", pathwayDirs: [PATHWAYS_DIR, TEST_PATHWAYS_DIR], logger: { level: "warn" }, writer: process.env.W as "inline" | "thread" });
console.log(await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" }));
