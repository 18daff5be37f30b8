/**
 * The writer keeps the cases it wrote, so the next event on one needs no read. A write whose
 * answer fails after the case was changed rolls back (its savepoint): the case it would have
 * written must not be kept, or the next event is compared with a revision that was never committed.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CaseService } from "../../cases/case-service.ts";
import { Identification, Person } from "../../cases/person.ts";
import { PlainCodec } from "../../crypto/personal-data-codec.ts";
import { PathwayRegistry } from "../../pathways/pathway-registry.ts";
import { TEST_PATHWAYS_DIR, tempDir } from "../../testing/build.ts";
import { ADULT, IDENTIFICATION } from "../../testing/fixtures.ts";
import { BatchTransaction } from "./batch-transaction.ts";
import { CaseWrites } from "./case-writes.ts";
import { openConnection, openDatabase } from "./open.ts";
import { SqliteCaseStore } from "./sqlite-case-store.ts";

describe("cases kept by the writer", () => {
  it("a write rolled back because its answer failed is not kept: the next event sees the committed case", async () => {
    const file = join(tempDir(), "kept.db");
    const { sqlite } = openDatabase(file);
    const store = new SqliteCaseStore(sqlite);
    const pathways = await PathwayRegistry.load(store, [TEST_PATHWAYS_DIR], new Date());
    store.usePathways(pathways);
    const opened = await new CaseService(store, pathways).open(
      { country: "ZZ", person: Person.parse(ADULT), identification: Identification.parse(IDENTIFICATION) },
      "tester",
    );

    // Fault injection: while `answersFail`, building a case view (the answer) throws — after the
    // event was decided and written, as a failing serialisation would.
    let answersFail = false;
    const faulty = new Proxy(pathways, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property !== "get") return typeof value === "function" ? value.bind(target) : value;
        return (country: string, version: number) => {
          if (answersFail && new Error().stack?.includes("caseView")) throw new Error("the answer failed");
          return target.get(country, version);
        };
      },
    });
    // The writer's own connection, keeping what it writes, as the writer thread runs it.
    const connection = openConnection(file);
    const writes = new CaseWrites(connection, {
      codec: new PlainCodec(),
      pathways: () => faulty,
      keepWritten: true,
    });
    const batch = new BatchTransaction(connection);
    const run = (command: Parameters<CaseWrites["execute"]>[0]) => {
      let committed = false;
      try {
        const [outcome] = batch.run([() => writes.execute(command)], () => writes.batchBegan());
        committed = true;
        return outcome!;
      } finally {
        writes.batchEnded(committed);
      }
    };
    const consent = { scope: "referral", given: true, method: "written" };
    answersFail = true;
    const failed = run({
      type: "applyEvent",
      command: {
        caseId: opened.id,
        expectedRevision: 1,
        event: { type: "RECORD_CONSENT", data: consent },
        actor: "tester",
        at: new Date().toISOString(),
        answer: "json",
      },
    });
    expect(failed.ok).toBe(false);
    answersFail = false;
    const next = run({
      type: "applyEvent",
      command: {
        caseId: opened.id,
        expectedRevision: 1,
        event: { type: "RECORD_CONSENT", data: consent },
        actor: "tester",
        at: new Date().toISOString(),
      },
    });
    expect(next).toMatchObject({ ok: true, value: { status: "applied" } });
    connection.close();
    await store.close();
  });
});
