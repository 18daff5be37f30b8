/**
 * The pathway versions the server knows, parsed once. Shipped files are upserted into the store at
 * start once they pass the schema, every lint rule and the compile (a problem, or a published
 * version whose file changed, stops the start); cases are then served from what
 * the store holds, so a case stays pinned to the exact definition it was opened on.
 */
import {
  BUILTIN_EVENTS,
  contentHash,
  type Pathway,
  Pathway as PathwaySchema,
  shippedPathwayFiles,
} from "@passerelle/definitions";
import { withCalendars } from "@passerelle/engine";
import { currentCalendars } from "../calendars/calendar-dirs.ts";
import type { StoreLifecycle } from "../storage/case-store.ts";
import type { PathwayVersionRecord } from "../storage/records.ts";
import { assertPathwaysValid } from "./verify-pathways.ts";

export interface RegisteredPathway {
  /**
   * The version as cases are stepped with it: the definition with the country's public-holiday
   * calendars in force added to its working-day calendar (they change without a new version).
   */
  readonly pathway: Pathway;
  /** The definition exactly as published (what the content hash covers and the API serves). */
  definition: Pathway;
  hash: string;
  status: "draft" | "published";
  publishedAt: string | null;
}

// Per calendars in force (the same array while no calendar file changed) and definition.
const timedCache = new WeakMap<object, WeakMap<Pathway, Pathway>>();

function timed(definition: Pathway): Pathway {
  const calendars = currentCalendars();
  let byDefinition = timedCache.get(calendars);
  if (!byDefinition) {
    byDefinition = new WeakMap();
    timedCache.set(calendars, byDefinition);
  }
  let result = byDefinition.get(definition);
  if (!result) {
    result = withCalendars(definition, calendars);
    byDefinition.set(definition, result);
  }
  return result;
}

export class PathwayRegistry {
  private readonly byKey = new Map<string, RegisteredPathway>();
  /** Every event type of the loaded versions; built on first use (the versions never change). */
  private eventTypes: Set<string> | undefined;

  static async load(
    store: Pick<StoreLifecycle, "upsertPathwayVersions" | "listPathwayVersions">,
    dirs: string[],
    now: Date,
  ): Promise<PathwayRegistry> {
    const files = dirs.flatMap((dir) => shippedPathwayFiles(dir));
    // Before anything is stored: a refused pathway must not have its hash locked.
    assertPathwaysValid(files);
    const shipped = files.map((f) => f.pathway);
    const records: PathwayVersionRecord[] = shipped.map((pathway) => ({
      country: pathway.country,
      version: pathway.version,
      status: pathway.status,
      hash: contentHash(pathway),
      definition: pathway,
      publishedAt: pathway.status === "published" ? now.toISOString() : null,
    }));
    await store.upsertPathwayVersions(records);
    return PathwayRegistry.fromRecords(await store.listPathwayVersions());
  }

  /** The registry of versions as stored. */
  static fromRecords(records: PathwayVersionRecord[]): PathwayRegistry {
    const registry = new PathwayRegistry();
    for (const record of records) registry.add(record);
    return registry;
  }

  private add(record: PathwayVersionRecord): void {
    // Definitions are stored parsed (defaults applied); parsing again restores the zod types.
    const pathway = PathwaySchema.parse(record.definition);
    this.byKey.set(`${record.country}@${record.version}`, {
      get pathway() {
        return timed(pathway);
      },
      definition: pathway,
      hash: record.hash,
      status: record.status,
      publishedAt: record.publishedAt,
    });
    this.eventTypes = undefined;
  }

  /**
   * Adds the versions another process stored since this registry was read: during a rolling
   * upgrade the first instance of a new release stores its new versions, and cases opened on them
   * reach instances still running the old one. Stored versions never change (their hash is locked),
   * so only new ones are read. A definition this code cannot parse is left out and reported; the
   * cases pinned to it are refused until this instance is upgraded.
   */
  async refresh(
    store: Pick<StoreLifecycle, "listPathwayVersions">,
    onRefused: (record: { country: string; version: number }) => void = () => {},
  ): Promise<number> {
    let added = 0;
    for (const record of await store.listPathwayVersions()) {
      if (this.byKey.has(`${record.country}@${record.version}`)) continue;
      try {
        this.add(record);
        added += 1;
      } catch {
        onRefused({ country: record.country, version: record.version });
      }
    }
    return added;
  }

  /**
   * Whether some loaded version (or the engine's built-ins) defines an event of this type: an event
   * type no pathway defines is whatever a client typed, and is never recorded (audit log).
   */
  knowsEvent(type: string): boolean {
    this.eventTypes ??= new Set([
      ...Object.keys(BUILTIN_EVENTS),
      ...[...this.byKey.values()].flatMap((p) => Object.keys(p.pathway.events)),
    ]);
    return this.eventTypes.has(type);
  }

  get(country: string, version: number): RegisteredPathway | undefined {
    return this.byKey.get(`${country}@${version}`);
  }

  /** The newest published version of a country: what a new case is pinned to by default. */
  latestPublished(country: string): RegisteredPathway | undefined {
    return this.versions(country)
      .filter((p) => p.status === "published")
      .at(-1);
  }

  /** Every version of a country, oldest first. */
  versions(country: string): RegisteredPathway[] {
    return [...this.byKey.values()]
      .filter((p) => p.pathway.country === country)
      .sort((a, b) => a.pathway.version - b.pathway.version);
  }

  countries(): string[] {
    return [...new Set([...this.byKey.values()].map((p) => p.pathway.country))].sort();
  }
}
