import { z } from "zod";

/** ISO 8601 duration with at least one component, e.g. P30D, P6W, PT24H, P1M. */
export const IsoDuration = z
  .string()
  .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, {
    message: "must be an ISO 8601 duration such as P30D, P6W or PT24H",
  })
  .describe("ISO 8601 duration in calendar time, e.g. P30D (30 days), P6W (6 weeks), PT24H (24 hours)");
export type IsoDuration = z.infer<typeof IsoDuration>;

/** Working days, counted in the pathway's calendar (weekend days and public holidays skipped). */
export const WorkingDays = z
  .object({
    workingDays: z
      .int()
      .min(0)
      .describe("Number of working days; weekend days and holidays of the pathway's calendar are skipped"),
  })
  .strict()
  .describe("A duration counted in working days, for deadlines the law counts that way");
export type WorkingDays = z.infer<typeof WorkingDays>;

/** A duration: calendar time as ISO 8601, or working days. */
export const Duration = z
  .union([IsoDuration, WorkingDays])
  .describe("Calendar ISO 8601 duration or working days");
export type Duration = z.infer<typeof Duration>;

/**
 * A reference to one of the pathway's `figures`, so that a deadline carries the legal source (or the
 * default marker) of its length.
 */
export const FigureRef = z
  .object({ figure: z.string().describe("Id of an entry in the pathway's `figures`") })
  .strict()
  .describe("Use the duration of a named figure, which cites its source");
export type FigureRef = z.infer<typeof FigureRef>;

/** Where a deadline length comes from: inline, or a cited figure. */
export const DurationOrFigure = z.union([Duration, FigureRef]);
export type DurationOrFigure = z.infer<typeof DurationOrFigure>;
