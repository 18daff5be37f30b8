import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../storage/sqlite/open.ts";
import { keySettingsFromEnv, protectStore } from "../storage/sqlite/protect-store.ts";
import { SqliteCaseStore } from "../storage/sqlite/sqlite-case-store.ts";
import { tempDir } from "../testing/build.ts";
import { seedDemo, seedSummary } from "./seed.ts";

describe("seed --demo", () => {
  it("opens cases in every shipped country through the store, at various stages, readable by the server", async () => {
    const dir = tempDir();
    const file = join(dir, "seed.db");
    let n = 0;
    // Deterministic "random": cycles through choices.
    const random = () => ((n++ * 7919) % 1000) / 1000;
    const result = await seedDemo({ databaseUrl: file, cases: 21, random });
    expect(result.cases).toBe(21);
    expect(Object.keys(result.byCountry).length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(result.byStage).length).toBeGreaterThan(1);
    expect(result.events).toBeGreaterThan(21);
    // The summary shows how to see the cases: a caseworker of the agency owning them (need-to-know).
    expect(result.agencies.GH).toBe("mogcsp");
    const summary = seedSummary(result, file);
    expect(summary).toContain(
      "npx --yes pnpm@10 passerelle users add --agency GH:mogcsp --login demo-gh-caseworker --role caseworker",
    );
    expect(summary).toContain(
      "npx --yes pnpm@10 passerelle tokens create --login demo-gh-caseworker --days 1",
    );

    // Read back as the server does: the same store with the same sealing codec and key file.
    const { sqlite } = openDatabase(file);
    const store = new SqliteCaseStore(sqlite, protectStore(sqlite, keySettingsFromEnv(file)));
    try {
      const cases = await store.cases.list({ now: new Date().toISOString(), limit: 50 });
      expect(cases).toHaveLength(21);
      const aggregate = await store.cases.get(cases[0]!.id);
      expect(typeof aggregate!.case.person.givenName).toBe("string");
      const history = await store.cases.history(cases[0]!.id);
      expect(history[0]).toMatchObject({ seq: 1, eventType: "CASE_OPENED", actor: "seed" });
      expect(history.map((h) => h.seq)).toEqual(history.map((_, i) => i + 1));
    } finally {
      await store.close();
    }
  });
});
