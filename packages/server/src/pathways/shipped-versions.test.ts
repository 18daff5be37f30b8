/**
 * The shipped pathways as the server serves them: every version published alongside the earlier
 * ones, new cases pinned to the newest published version, cases asked for on an earlier version
 * pinned to it (against a real SQLite file).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, type TestApp } from "../testing/build.ts";
import { ADULT, IDENTIFICATION } from "../testing/fixtures.ts";

const COUNTRIES = ["GH", "GN", "INTL", "ML", "NG", "SN", "VN"];

let t: TestApp;
beforeAll(async () => {
  t = await build();
});
afterAll(async () => {
  await t.close();
});

describe("shipped pathway versions", () => {
  it("serves version 2 of all seven pathways beside version 1, both published, with their hashes", async () => {
    const { countries } = (await t.app.inject({ method: "GET", url: "/v1/pathways" })).json() as {
      countries: { country: string; versions: { version: number; status: string; hash: string }[] }[];
    };
    for (const country of COUNTRIES) {
      const versions = countries.find((c) => c.country === country)?.versions ?? [];
      expect(
        versions.map((v) => [v.version, v.status]),
        country,
      ).toEqual([
        [1, "published"],
        [2, "published"],
      ]);
      const latest = (await t.app.inject({ method: "GET", url: `/v1/pathways/${country}` })).json();
      expect(latest.latestPublished, country).toBe(2);
    }
  });

  it("pins a new case to version 2, and to version 1 only when asked", async () => {
    const open = (pathwayVersion?: number) =>
      t.app.inject({
        method: "POST",
        url: "/v1/cases",
        payload: {
          country: "GH",
          ...(pathwayVersion && { pathwayVersion }),
          person: ADULT,
          identification: { ...IDENTIFICATION, agency: "police-ahtu" },
        },
      });
    const latest = await open();
    expect(latest.statusCode).toBe(201);
    expect(latest.json()).toMatchObject({ pathwayVersion: 2, state: "identification.intake" });
    const pinned = await open(1);
    expect(pinned.statusCode).toBe(201);
    expect(pinned.json()).toMatchObject({ pathwayVersion: 1, state: "identification.intake" });
    // Version 2's events are offered on the v2 case only.
    const offered = (c: { allowedEvents: { type: string }[] }) => c.allowedEvents.map((e) => e.type);
    expect(offered(latest.json())).toContain("EMERGENCY_ASSISTANCE_RECORDED");
    expect(offered(pinned.json())).not.toContain("EMERGENCY_ASSISTANCE_RECORDED");
  });
});
