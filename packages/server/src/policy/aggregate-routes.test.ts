import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProtected, OTHER, OWN, type ProtectedApp } from "../auth/testing.ts";
import { ADULT, CHILD } from "../testing/fixtures.ts";
import { MIN_CELL } from "./aggregate-routes.ts";

let fx: ProtectedApp;
beforeAll(async () => {
  fx = await buildProtected();
  for (let i = 0; i < MIN_CELL; i++) await fx.openCase(ADULT, OWN);
  await fx.openCase(CHILD, OWN);
  await fx.openCase(ADULT, OTHER);
});
afterAll(async () => {
  await fx?.close();
});

describe("aggregates", () => {
  it("the committee counts its country's cases by reportable attributes; small cells are suppressed", async () => {
    const res = await fx.app.inject({
      method: "GET",
      url: "/v1/stats/cases?groupBy=sex,stage",
      headers: await fx.headers("committee"),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.country).toBe("ZZ");
    // Six women and one boy: the boy's cell is withheld, and so is the only other cell (else the
    // total would give it away); neither label is shown.
    expect(body.rows).toEqual([]);
    expect(body.withheldCells).toBe(2);
    expect(res.body).not.toContain("case_");
    expect(res.body).not.toContain(ADULT.familyName);
  });

  it("a supervisor counts only their agency's cases; caseworkers and unknown dimensions are refused", async () => {
    const res = await fx.app.inject({
      method: "GET",
      url: "/v1/stats/cases?groupBy=agency",
      headers: await fx.headers("supervisor", OTHER),
    });
    expect(res.json()).toMatchObject({ rows: [], withheldCells: 1 });
    expect(
      (
        await fx.app.inject({
          method: "GET",
          url: "/v1/stats/cases",
          headers: await fx.headers("caseworker"),
        })
      ).statusCode,
    ).toBe(403);
    const bad = await fx.app.inject({
      method: "GET",
      url: "/v1/stats/cases?groupBy=familyName",
      headers: await fx.headers("committee"),
    });
    expect(bad.statusCode).toBe(400);
  });
});
