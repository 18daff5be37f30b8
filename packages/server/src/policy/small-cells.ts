/**
 * Small-cell suppression that differencing cannot undo. A count below `minCell` can identify a
 * person in a small country, so it is withheld; but a withheld count is recoverable by subtraction
 * whenever it is the only unknown of a sum the attacker knows: a one-way table sums to the total, a
 * row of a two-way table sums to the one-way count of its label. So suppression is decided once for
 * every breakdown the endpoint offers (each dimension, each pair), over the same cases, and cells
 * are withheld until every such sum has no unknown, or at least two — and where its total is shown,
 * withheld parts that add up to at least `minCell`. Every answer is then cut from that one
 * protected set, so no two answers disagree about what is hidden.
 *
 * Hand-written: the statistical-disclosure tools (sdcTable, tau-argus) are R and Java programs;
 * for a few dozen tables of at most a few hundred cells this greedy pass is the usual heuristic and
 * runs in milliseconds.
 */

/** One combination of the finest grouping: a label per dimension, and how many cases have it. */
export type CountedRow = Record<string, string | number | null> & { count: number };

/** A table of the endpoint: its dimensions, and its cells by labels (JSON of the label list). */
export interface ProtectedTable {
  dims: string[];
  cells: Map<string, { labels: (string | number | null)[]; count: number; withheld: boolean }>;
}

const tableKey = (dims: readonly string[]) => dims.join(",");

/**
 * Every one- and two-way table of `dimensions` over the finest rows, with the cells to withhold.
 * `finest` must be grouped by every dimension (one row per combination present).
 */
export function protectTables(
  finest: readonly CountedRow[],
  dimensions: readonly string[],
  minCell: number,
): Map<string, ProtectedTable> {
  const breakdowns = [
    ...dimensions.map((d) => [d]),
    ...dimensions.flatMap((a, i) => dimensions.slice(i + 1).map((b) => [a, b])),
  ];
  const tables = new Map<string, ProtectedTable>();
  for (const dims of breakdowns) {
    const cells: ProtectedTable["cells"] = new Map();
    for (const row of finest) {
      const labels = dims.map((d) => row[d] ?? null);
      const key = JSON.stringify(labels);
      const cell = cells.get(key) ?? { labels, count: 0, withheld: false };
      cell.count += row.count;
      cells.set(key, cell);
    }
    for (const cell of cells.values()) cell.withheld = cell.count < minCell;
    tables.set(tableKey(dims), { dims, cells });
  }

  type Ref = { count: number; withheld: boolean };
  const TOTAL: Ref = { count: finest.reduce((s, r) => s + r.count, 0), withheld: false };
  /** Sums the attacker knows the shape of: `whole` is the sum of `parts`. */
  const sums: { whole: Ref; parts: Ref[] }[] = [];
  for (const d of dimensions) sums.push({ whole: TOTAL, parts: [...tables.get(d)!.cells.values()] });
  for (const dims of breakdowns.filter((b) => b.length === 2)) {
    const table = tables.get(tableKey(dims))!;
    for (const [j, d] of dims.entries()) {
      const oneWay = tables.get(d)!.cells;
      const rows = new Map<string, Ref[]>();
      for (const cell of table.cells.values()) {
        const label = JSON.stringify([cell.labels[j]]);
        rows.set(label, [...(rows.get(label) ?? []), cell]);
      }
      for (const [label, parts] of rows) sums.push({ whole: oneWay.get(label)!, parts });
    }
  }

  const smallestVisible = (parts: Ref[]) =>
    parts.filter((p) => !p.withheld).sort((a, b) => a.count - b.count)[0];
  for (let changed = true; changed; ) {
    changed = false;
    for (const { whole, parts } of sums) {
      const hidden = parts.filter((p) => p.withheld);
      if (whole.withheld) {
        // A withheld whole is the sum of its parts when all of them are shown.
        if (hidden.length > 0) continue;
        const next = smallestVisible(parts);
        if (next) {
          next.withheld = true;
          changed = true;
        }
        continue;
      }
      if (hidden.length === 0) continue;
      const hiddenSum = hidden.reduce((s, p) => s + p.count, 0);
      if (hidden.length >= 2 && hiddenSum >= minCell) continue;
      const next = smallestVisible(parts) ?? (whole === TOTAL ? undefined : whole);
      if (next) {
        next.withheld = true;
        changed = true;
      }
    }
  }
  return tables;
}

/** The table of one breakdown, as published: shown cells only, and how many were withheld. */
export function publishedTable(
  tables: Map<string, ProtectedTable>,
  dims: readonly string[],
): { rows: Record<string, string | number | null>[]; withheldCells: number } {
  const table = tables.get(tableKey(dims));
  if (!table) return { rows: [], withheldCells: 0 };
  const rows: Record<string, string | number | null>[] = [];
  let withheldCells = 0;
  for (const cell of table.cells.values()) {
    if (cell.withheld) withheldCells += 1;
    else rows.push({ ...Object.fromEntries(dims.map((d, i) => [d, cell.labels[i]!])), count: cell.count });
  }
  const order = (r: Record<string, unknown>) => JSON.stringify(dims.map((d) => r[d]));
  rows.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return { rows, withheldCells };
}
