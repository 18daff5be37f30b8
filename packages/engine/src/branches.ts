/**
 * What each branch of an event needs, in the pathway's language and in positive words: "to go to
 * Shelter: Accommodation needed must be Shelter, and consent to assistance must be recorded (it is
 * not)". A refusal says it per branch, so that a caseworker sees which branch they meant and the one
 * thing it lacks; `allowedEvents` says it before the event is sent.
 *
 * Like every explanation of the engine, texts name fields and expected values, never actual values.
 */
import type { Condition, LocalizedText, Pathway } from "@passerelle/definitions";
import { Duration } from "luxon";
import type { Candidate } from "./compile.ts";
import { type ConditionScope, evaluate, readsData } from "./conditions.ts";
import { type Phrases, phrasesFor } from "./phrases.ts";
import { resolveDuration } from "./time.ts";

/** One branch (candidate transition) of an event, explained. */
export interface BranchExplanation {
  /** Full path of the state it leads to; null for an event that records without moving. */
  target: string | null;
  /** The whole sentence: where it goes and everything it requires, unmet parts marked. */
  text: string;
  /** No requirement on the case itself fails now (requirements on the event's data may remain). */
  open: boolean;
  /** Requirements not met now, or that the event's data must meet, in positive words. */
  needs: string[];
  /** Requirements the case fails now, whatever the event's data. */
  unmet: string[];
}

interface Requirement {
  text: string;
  /** undefined: depends on event data not given yet. */
  met: boolean | undefined;
}

interface Context {
  pathway: Pathway;
  eventType: string;
  language: string;
  phrases: Phrases;
  scope: ConditionScope;
  /** Whether `scope.data` is the event's data (a refusal) or none was sent yet (allowed events). */
  dataGiven: boolean;
}

/** Explains each candidate of an event, in XState's order. */
export function explainBranches(
  pathway: Pathway,
  eventType: string,
  candidates: readonly Candidate[],
  scope: ConditionScope,
  options: { dataGiven: boolean; language?: string },
): BranchExplanation[] {
  const language = options.language ?? pathway.languages[0] ?? "en";
  const ctx: Context = {
    pathway,
    eventType,
    language,
    phrases: phrasesFor(language),
    scope,
    dataGiven: options.dataGiven,
  };
  return candidates.map(({ transition }) => {
    // What an explanation depends on beyond the definition: which conditions hold. The texts for
    // one combination are built once and shared (a case view explains every event, every time).
    const members = conjunctsOf(transition);
    const key = `${language}|${options.dataGiven}|${members.map((c) => outcomeKey(c, ctx)).join(",")}`;
    let byOutcome = explained.get(transition);
    if (!byOutcome) {
      byOutcome = new Map();
      explained.set(transition, byOutcome);
    }
    let branch = byOutcome.get(key);
    if (!branch) {
      branch = explain(transition.target ?? null, members, ctx);
      byOutcome.set(key, branch);
    }
    return branch;
  });
}

type Transition = Candidate["transition"];

const explained = new WeakMap<Transition, Map<string, BranchExplanation>>();
const conjunctLists = new WeakMap<Transition, Condition[]>();

function conjunctsOf(transition: Transition): Condition[] {
  let list = conjunctLists.get(transition);
  if (!list) {
    list = conjuncts(transition.guard);
    conjunctLists.set(transition, list);
  }
  return list;
}

function conjuncts(guard: Condition | undefined): Condition[] {
  if (!guard) return [];
  return "all" in guard ? guard.all.flatMap(conjuncts) : [guard];
}

/**
 * Everything a requirement's explanation reads of the case: whether it holds (when it can be told),
 * and which alternatives of each `any` inside it hold (the phrase offers those).
 */
function outcomeKey(condition: Condition, ctx: Context): string {
  const evaluable = ctx.dataGiven || !readsData(condition);
  const key = evaluable ? (evaluate(condition, ctx.scope) ? "1" : "0") : "?";
  return key + alternativesKey(condition, ctx.scope);
}

/**
 * Which alternatives of each `any` inside a condition hold, in order. A module function rather
 * than a closure per call: run for every condition of every answer.
 */
function alternativesKey(c: Condition, scope: ConditionScope): string {
  let key = "";
  if ("any" in c) {
    for (const member of c.any) key += evaluate(member, scope) ? "1" : "0";
    for (const member of c.any) key += alternativesKey(member, scope);
  } else if ("all" in c) for (const member of c.all) key += alternativesKey(member, scope);
  else if ("not" in c) key += alternativesKey(c.not, scope);
  return key;
}

function explain(target: string | null, members: Condition[], ctx: Context): BranchExplanation {
  const requirements = members.map((c) => requirement(c, ctx));
  const head = target === null ? ctx.phrases.toRecordHere : ctx.phrases.toGoTo(stateLabel(target, ctx));
  const parts = requirements.map((r) => (r.met === false ? `${r.text} ${ctx.phrases.itIsNot}` : r.text));
  const unmet = requirements.filter((r) => r.met === false).map((r) => r.text);
  return Object.freeze({
    target,
    text: parts.length === 0 ? head : `${head}${ctx.phrases.colon}${ctx.phrases.and(parts)}`,
    open: unmet.length === 0,
    needs: requirements.filter((r) => r.met !== true).map((r) => r.text),
    unmet,
  });
}

function requirement(condition: Condition, ctx: Context): Requirement {
  const evaluable = ctx.dataGiven || !readsData(condition);
  return { text: phrase(condition, ctx), met: evaluable ? evaluate(condition, ctx.scope) : undefined };
}

function phrase(condition: Condition, ctx: Context): string {
  const p = ctx.phrases;
  if ("op" in condition) {
    const field = fieldLabel(condition.field, ctx);
    const value = valueLabel(condition.field, condition.value, ctx);
    switch (condition.op) {
      case "eq":
        return p.is(field, value);
      case "ne":
        return p.isNot(field, value);
      case "in":
        return p.isOneOf(field, value);
      case "notIn":
        return p.isNotOneOf(field, value);
      case "exists":
        return p.recorded(field);
      case "notExists":
        return p.notRecorded(field);
      default:
        return p.compare[condition.op](field, value);
    }
  }
  if ("isMinor" in condition) return condition.isMinor ? p.minor : p.adult;
  if ("consent" in condition) return p.consent(p.scopes[condition.consent] ?? condition.consent);
  if ("elapsed" in condition)
    return p.elapsed(duration(condition.elapsed.atLeast, ctx), fieldLabel(condition.elapsed.since, ctx));
  if ("all" in condition) return p.and(condition.all.map((c) => phrase(c, ctx)));
  if ("any" in condition) {
    if (!readsData(condition) || ctx.dataGiven) {
      const holding = condition.any.find((c) => evaluate(c, ctx.scope));
      if (holding) return phrase(holding, ctx);
    }
    // The person's age is what it is: an alternative that fails on it is not one to offer.
    const open = condition.any.filter((c) => !("isMinor" in c) || evaluate(c, ctx.scope));
    const alternatives = (open.length > 0 ? open : condition.any).map((c) => phrase(c, ctx));
    return alternatives.length === 1 ? alternatives[0]! : p.either(alternatives);
  }
  const inner = condition.not;
  if ("elapsed" in inner)
    return p.notElapsed(duration(inner.elapsed.atLeast, ctx), fieldLabel(inner.elapsed.since, ctx));
  return p.notThat(phrase(inner, ctx));
}

function text(label: LocalizedText | undefined, language: string): string | undefined {
  if (!label) return undefined;
  return label[language] ?? Object.values(label)[0];
}

/** The label of the state at a dotted path. */
function stateLabel(path: string, ctx: Context): string {
  let node: { label: LocalizedText; states?: Record<string, unknown> } | undefined;
  let states = ctx.pathway.states as Record<string, unknown> | undefined;
  for (const key of path.split(".")) {
    node = states?.[key] as typeof node;
    states = node?.states;
  }
  return text(node?.label, ctx.language) ?? path;
}

/** The field spec a `data.x` or `facts.x` path reads: the event's own, or any event's that records it. */
function fieldSpec(path: string, ctx: Context) {
  const [root, key = ""] = path.split(".", 2) as [string, string?];
  const own = ctx.pathway.events[ctx.eventType]?.data[key];
  if (root === "data") return own;
  if (root === "facts") {
    if (own) return own;
    for (const event of Object.values(ctx.pathway.events)) if (event.data[key]) return event.data[key];
  }
  return undefined;
}

function fieldLabel(path: string, ctx: Context): string {
  return text(fieldSpec(path, ctx)?.label, ctx.language) ?? path.slice(path.indexOf(".") + 1);
}

function valueLabel(path: string, value: unknown, ctx: Context): string {
  const labels = fieldSpec(path, ctx)?.valueLabels;
  const one = (v: unknown) =>
    typeof v === "boolean"
      ? v
        ? ctx.phrases.yes
        : ctx.phrases.no
      : (text(labels?.[String(v)], ctx.language) ?? String(v));
  return Array.isArray(value) ? value.map(one).join(", ") : one(value);
}

function duration(atLeast: Parameters<typeof resolveDuration>[0], ctx: Context): string {
  const resolved = resolveDuration(atLeast, ctx.pathway);
  if (typeof resolved === "object" && "workingDays" in resolved)
    return ctx.phrases.workingDays(resolved.workingDays);
  const parsed = Duration.fromISO(resolved as string);
  return parsed.isValid ? parsed.reconfigure({ locale: ctx.language }).toHuman() : String(resolved);
}
