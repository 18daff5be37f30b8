/**
 * `passerelle seed --demo [--cases N]`: a living system for a newcomer. Opens synthetic cases in
 * every shipped country (made-up names from a short list) and drives each one part of the way
 * along one of the country's scenario files, so that cases sit at every stage, some with overdue
 * tasks. Everything goes through the case service and the store, as an API request would.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PATHWAYS_DIR } from "@passerelle/definitions";
import type { Json } from "@passerelle/engine";
import type { Command } from "commander";
import { parse } from "yaml";
import { CaseService } from "../cases/case-service.ts";
import type { Identification, Person } from "../cases/person.ts";
import { databaseLabel, loadConfig, storeUrl } from "../config.ts";
import { ApiProblem } from "../errors/problem.ts";
import { PathwayRegistry } from "../pathways/pathway-registry.ts";
import { openStorage } from "../storage/open-storage.ts";
import { DATABASE_URL_FLAGS, DATABASE_URL_HELP } from "./database-option.ts";

/** Made-up names only: never real people. */
const GIVEN_NAMES = [
  "Amara",
  "Kojo",
  "Fatou",
  "Ibrahim",
  "Linh",
  "Moussa",
  "Ngozi",
  "Awa",
  "Tuan",
  "Esi",
  "Sekou",
  "Mai",
];
const FAMILY_NAMES = [
  "Demoson",
  "Examplé",
  "Sampleton",
  "Fictiva",
  "Placeholder",
  "Mockwell",
  "Testarossa",
  "Nullard",
];
const METHODS: Identification["method"][] = [
  "outreach",
  "lawEnforcement",
  "borderControl",
  "hotline",
  "selfReferral",
  "ngoReferral",
];

interface ScenarioStep {
  at: string;
  event: string;
  data?: Record<string, Json>;
  refused?: string;
}
interface Scenario {
  name: string;
  person: Record<string, Json>;
  start: string;
  steps: ScenarioStep[];
}

export interface SeedOptions {
  /** A SQLite file or a `postgres://` URL. */
  databaseUrl: string;
  cases: number;
  /** Deterministic choices for tests; Math.random otherwise. */
  random?: () => number;
  pathwayDirs?: string[];
  log?: (line: string) => void;
}

export interface SeedResult {
  cases: number;
  events: number;
  byCountry: Record<string, number>;
  byStage: Record<string, number>;
  /** The agency (its code in the pathway) that owns the seeded cases of each country. */
  agencies: Record<string, string>;
}

function scenariosOf(dir: string, country: string, version: number): Scenario[] {
  try {
    const doc = parse(readFileSync(join(dir, country, `${version}.scenarios.yaml`), "utf8")) as {
      scenarios?: Scenario[];
    };
    return doc.scenarios ?? [];
  } catch {
    return [];
  }
}

export async function seedDemo(options: SeedOptions): Promise<SeedResult> {
  const random = options.random ?? Math.random;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const dirs = options.pathwayDirs ?? [PATHWAYS_DIR];
  // Sealed exactly as the server seals them (personal data is encrypted at rest): the server reads these cases back.
  const store = await openStorage(options.databaseUrl, { poolSize: 4 });
  const result: SeedResult = { cases: 0, events: 0, byCountry: {}, byStage: {}, agencies: {} };
  try {
    const pathways = await PathwayRegistry.load(store, dirs, new Date());
    const service = new CaseService(store, pathways);
    const plans = pathways
      .countries()
      .map((country) => pathways.latestPublished(country))
      .filter((p) => p !== undefined)
      .map((p) => ({
        registered: p,
        scenarios: dirs.flatMap((dir) => scenariosOf(dir, p.pathway.country, p.pathway.version)),
      }))
      .filter((p) => p.scenarios.length > 0);
    if (plans.length === 0) throw new Error("no published pathway with scenarios to seed from");

    const one = async (index: number) => {
      const { registered, scenarios } = plans[index % plans.length]!;
      const { pathway } = registered;
      const scenario = pick(scenarios);
      const steps = scenario.steps.filter((s) => !s.refused);
      // Stop somewhere along the way: cases end up spread over the stages.
      const length = Math.min(steps.length, 1 + Math.floor(random() * steps.length));
      const taken = steps.slice(0, length);
      // Shift scenario time so the last step happened 0–20 days ago: some tasks are overdue, some not.
      const lastAt = Date.parse(taken.at(-1)?.at ?? scenario.start);
      const shift = Date.now() - Math.floor(random() * 20 * 86_400_000) - lastAt;
      const at = (iso: string) => new Date(Date.parse(iso) + shift);
      const person: Person = {
        ...(scenario.person as Person),
        givenName: pick(GIVEN_NAMES),
        familyName: pick(FAMILY_NAMES),
      };
      const agency = pathway.agencies.find((a) => a.kind === "government") ?? pathway.agencies[0]!;
      const opened = await service.open(
        {
          country: pathway.country,
          pathwayVersion: pathway.version,
          person,
          identification: {
            date: at(scenario.start).toISOString().slice(0, 10),
            agency: agency.id,
            method: pick(METHODS),
          },
          assignee: `demo-caseworker-${(index % 5) + 1}`,
        },
        "seed",
        at(scenario.start),
      );
      let revision = opened.revision;
      let stage = opened.stage;
      for (const step of taken) {
        try {
          const next = await service.applyEvent(
            opened.id,
            { type: step.event, expectedRevision: revision, ...(step.data && { data: step.data }) },
            "seed",
            at(step.at),
          );
          revision = next.revision;
          stage = next.stage;
          result.events++;
        } catch (error) {
          // A scenario written for another person may not fit this one; the case stays where it is.
          if (error instanceof ApiProblem) break;
          throw error;
        }
      }
      result.cases++;
      result.byCountry[pathway.country] = (result.byCountry[pathway.country] ?? 0) + 1;
      result.byStage[stage] = (result.byStage[stage] ?? 0) + 1;
      result.agencies[pathway.country] = agency.id;
    };
    // Several cases at a time so that their writes share commits.
    for (let start = 0; start < options.cases; start += 16) {
      await Promise.all(
        Array.from({ length: Math.min(16, options.cases - start) }, (_, i) => one(start + i)),
      );
    }
    return result;
  } finally {
    await store.close();
  }
}

/**
 * What the command prints: the counts, and how to see the cases. Case data is need-to-know (an
 * admin's token sees none), so a newcomer is shown the two commands that make a caseworker of the
 * agency owning a country's cases, and a token for them — Ghana's, whose agency is the one the
 * README bootstraps the first admin in, when it was seeded.
 */
/** The CLI as the README runs it: with only Node and npm on the machine (no pnpm installed). */
const CLI = "npx --yes pnpm@10 passerelle";

/** `database`: where the cases went, as `databaseLabel` names it (no credentials). */
export function seedSummary(result: SeedResult, database: string): string {
  const owners = Object.entries(result.agencies)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([country, code]) => `${country}:${code}`);
  const lines = [
    `Seeded ${result.cases} cases (${result.events} events) into ${database}`,
    `  by country: ${JSON.stringify(result.byCountry)}`,
    `  by stage:   ${JSON.stringify(result.byStage)}`,
    `Each country's cases belong to one agency (${owners.join(", ")}) and only its staff see them:`,
    "an admin's token sees none (need-to-know).",
  ];
  const country = "GH" in result.agencies ? "GH" : Object.keys(result.agencies)[0];
  if (country !== undefined) {
    const code = result.agencies[country]!;
    const login = `demo-${country.toLowerCase()}-caseworker`;
    lines.push(
      `To look at ${country}'s, once the agency exists (\`${CLI} users bootstrap-admin --country ${country} --agency ${code}\``,
      `on a fresh server, or \`${CLI} users add-agency\`), make a caseworker there and a token for them:`,
      `  ${CLI} users add --agency ${country}:${code} --login ${login} --role caseworker`,
      `  ${CLI} tokens create --login ${login} --days 1`,
      "then GET /v1/cases with that token, or use it in /docs: a running server sees them at once (no restart);",
      "otherwise start it with npx --yes pnpm@10 start.",
    );
  }
  return `${lines.join("\n")}\n`;
}

export function registerSeedCommand(program: Command): void {
  program
    .command("seed")
    .description("Fill the database with synthetic demo cases (made-up names only)")
    .requiredOption(
      "--demo",
      "seed demo data (the only kind there is; required so that nobody seeds by accident)",
    )
    .option("--cases <n>", "number of cases", (v) => Number.parseInt(v, 10), 100)
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: { cases: number; databaseUrl?: string }) => {
      if (!Number.isInteger(opts.cases) || opts.cases < 1)
        throw new Error("--cases must be a positive integer");
      const config = loadConfig({
        ...process.env,
        ...(opts.databaseUrl && { DATABASE_URL: opts.databaseUrl }),
      });
      const url = storeUrl(config.DATABASE_URL);
      const result = await seedDemo({ databaseUrl: url, cases: opts.cases });
      process.stdout.write(seedSummary(result, databaseLabel(url)));
    });
}
