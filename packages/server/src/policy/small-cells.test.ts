/**
 * An attacker who knows every combination that exists and the grand total queries every breakdown
 * the endpoint offers (each dimension, each pair), then differences them — a total minus the cells
 * it sees, a row of a two-way table against the one-way count of its label — and keeps solving
 * every group with one unknown left. No count below the threshold may come out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProtected, OTHER, OWN, type ProtectedApp } from "../auth/testing.ts";
import { MIN_CELL } from "./aggregate-routes.ts";
import { protectTables, publishedTable } from "./small-cells.ts";

describe("protectTables", () => {
  const rows = (spec: [string, string, number][]) => spec.map(([a, b, count]) => ({ a, b, count }));

  it("withholds a second cell wherever one small cell would be the only one withheld", () => {
    const tables = protectTables(
      rows([
        ["v0", "x", 10],
        ["v1", "x", 2],
        ["v2", "x", 20],
        ["v3", "x", 9],
      ]),
      ["a"],
      MIN_CELL,
    );
    expect(publishedTable(tables, ["a"])).toEqual({
      rows: [
        { a: "v0", count: 10 },
        { a: "v2", count: 20 },
      ],
      withheldCells: 2,
    });
  });

  it("a cell alone in its row takes its one-way count with it", () => {
    // (y, q) is alone in row y: withholding it alone would leave it equal to the one-way count of y.
    const tables = protectTables(
      rows([
        ["x", "p", 20],
        ["x", "q", 3],
        ["y", "q", 7],
        ["z", "p", 9],
      ]),
      ["a", "b"],
      MIN_CELL,
    );
    const pairs = publishedTable(tables, ["a", "b"]);
    const oneWay = publishedTable(tables, ["a"]);
    const shownY = pairs.rows.some((r) => r.a === "y") || oneWay.rows.some((r) => r.a === "y");
    expect(pairs.rows.some((r) => r.a === "x" && r.b === "q")).toBe(false);
    // Either y is hidden everywhere, or x's row hides a second cell: 3 is never the only unknown.
    expect(shownY && pairs.withheldCells < 2).toBe(false);
  });
});

const DIMS = ["sex", "nationality", "ageBand", "agency"] as const;
type Row = Record<string, string | number | null>;

let fx: ProtectedApp;
const people: { person: Record<string, unknown>; agency: typeof OWN | typeof OTHER }[] = [];
beforeAll(async () => {
  fx = await buildProtected();
  // A country with a few large groups and scattered small ones, as real caseloads look.
  const plan: [string, string, string, typeof OWN | typeof OTHER, number][] = [
    ["female", "GH", "1995-01-01", OWN, 9],
    ["female", "NG", "1995-01-01", OWN, 6],
    ["male", "GH", "1980-01-01", OWN, 7],
    ["male", "NG", "2012-01-01", OTHER, 5],
    ["female", "GH", "2012-01-01", OTHER, 2],
    ["male", "TG", "1995-01-01", OWN, 1],
    ["female", "BF", "1980-01-01", OTHER, 3],
    ["intersex", "GH", "1995-01-01", OWN, 1],
  ];
  for (const [sex, nationality, birthDate, agency, n] of plan)
    for (let i = 0; i < n; i++)
      people.push({ person: { givenName: "X", sex, nationality, birthDate }, agency });
  for (const p of people) await fx.openCase(p.person, p.agency);
});
afterAll(async () => {
  await fx?.close();
});

async function query(dims: readonly string[]): Promise<Row[]> {
  const res = await fx.app.inject({
    url: `/v1/stats/cases?groupBy=${dims.join(",")}`,
    headers: await fx.headers("committee"),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().rows;
}

describe("an attacker who differences every pair of breakdowns", () => {
  it("recovers no withheld count below the threshold", async () => {
    const key = (dims: readonly string[], labels: readonly unknown[]) => JSON.stringify([dims, labels]);
    const truth = new Map<string, number>();
    const bump = (k: string) => truth.set(k, (truth.get(k) ?? 0) + 1);
    const labelOf = (p: (typeof people)[number], d: string) =>
      d === "agency"
        ? p.agency
        : d === "ageBand"
          ? ({ "1995": "30--38", "1980": "39--47", "2012": "9--17" } as Record<string, string>)[
              String(p.person.birthDate).slice(0, 4)
            ]
          : (p.person[d] as string);
    const breakdowns: string[][] = [
      ...DIMS.map((d) => [d]),
      ...DIMS.flatMap((a, i) => DIMS.slice(i + 1).map((b) => [a, b])),
    ];
    for (const p of people)
      for (const dims of breakdowns)
        bump(
          key(
            dims,
            dims.map((d) => labelOf(p, d)),
          ),
        );

    const known = new Map<string, number>();
    for (const dims of breakdowns)
      for (const row of await query(dims))
        known.set(
          key(
            dims,
            dims.map((d) => row[d] ?? null),
          ),
          row.count as number,
        );
    const total = people.length;

    // Groups whose sum the attacker can state: each breakdown's cells sum to the total; each row of
    // a two-way table sums to the one-way count of its label.
    const cellsOf = (dims: readonly string[]) =>
      [...truth.keys()].filter((k) => JSON.stringify(JSON.parse(k)[0]) === JSON.stringify(dims));
    const groups: { cells: string[]; sum: () => number | undefined }[] = [];
    for (const dims of breakdowns) {
      groups.push({ cells: cellsOf(dims), sum: () => total });
      if (dims.length === 2) {
        for (const [j, d] of dims.entries()) {
          const byLabel = new Map<string, string[]>();
          for (const k of cellsOf(dims)) {
            const label = JSON.parse(k)[1][j];
            byLabel.set(JSON.stringify(label), [...(byLabel.get(JSON.stringify(label)) ?? []), k]);
          }
          for (const [label, cells] of byLabel)
            groups.push({ cells, sum: () => known.get(key([d], [JSON.parse(label)])) });
        }
      }
    }
    for (let progress = true; progress; ) {
      progress = false;
      for (const g of groups) {
        const sum = g.sum();
        const unknown = g.cells.filter((k) => !known.has(k));
        if (sum === undefined || unknown.length !== 1) continue;
        known.set(
          unknown[0]!,
          sum - g.cells.filter((k) => known.has(k)).reduce((s, k) => s + known.get(k)!, 0),
        );
        progress = true;
      }
    }
    const recoveredSmall = [...truth].filter(([k, n]) => n < MIN_CELL && known.get(k) === n);
    expect(recoveredSmall).toEqual([]);
    // The attacker's arithmetic is right where it does conclude: no false comfort from a wrong model.
    for (const [k, v] of known) expect(truth.get(k), k).toBe(v);
  });

  it("shows no label of a withheld cell", async () => {
    const rows = await query(["nationality"]);
    expect(rows.map((r) => r.nationality)).not.toContain("TG");
    const res = await fx.app.inject({
      url: "/v1/stats/cases?groupBy=nationality",
      headers: await fx.headers("committee"),
    });
    expect(res.body).not.toContain("TG");
    expect(res.json().withheldCells).toBeGreaterThanOrEqual(2);
  });

  it("refuses a breakdown of more than two dimensions", async () => {
    const res = await fx.app.inject({
      url: "/v1/stats/cases?groupBy=sex,nationality,agency",
      headers: await fx.headers("committee"),
    });
    expect(res.statusCode).toBe(400);
  });
});
