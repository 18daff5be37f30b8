/**
 * Seeded randomness for the random walk: the same seed gives the same walk, so a failure can be
 * replayed exactly.
 */
import type { Json } from "../types.ts";

export type Random = () => number;

/** mulberry32: small, fast, good enough to drive tests. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;
export const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

type Schema = Record<string, unknown>;

/** A value for one property of the field types `eventDataSchema` produces. */
function valueFor(schema: Schema, random: Random): Json {
  if (Array.isArray(schema.enum)) return pick(random, schema.enum as string[]);
  switch (schema.type) {
    case "boolean":
      return random() < 0.5;
    case "integer":
    case "number": {
      const min = (schema.minimum as number | undefined) ?? 0;
      const max = (schema.maximum as number | undefined) ?? min + 1000;
      return schema.type === "integer"
        ? int(random, Math.ceil(min), Math.floor(max))
        : min + random() * (max - min);
    }
    case "array": {
      const values = ((schema.items as Schema).enum as string[]) ?? [];
      return values.filter(() => random() < 0.5);
    }
    default: {
      if (schema.format === "date")
        return `20${int(random, 10, 26)}-0${int(random, 1, 9)}-1${int(random, 0, 9)}`;
      if (schema.format === "date-time")
        return new Date(Date.UTC(2026, int(random, 0, 11), int(random, 1, 28))).toISOString();
      const max = (schema.maxLength as number | undefined) ?? 12;
      return "abcdefghij".slice(0, int(random, 1, Math.min(10, max)));
    }
  }
}

/** Data valid against the event's schema: every required field, each optional one half the time. */
export function dataFor(schema: Schema, random: Random): Record<string, Json> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  const data: Record<string, Json> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (required.has(name) || random() < 0.5) data[name] = valueFor(property, random);
  }
  return data;
}
