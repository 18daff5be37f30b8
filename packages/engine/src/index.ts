/**
 * Public API of the engine. Every function is pure: time, person attributes and consents are passed
 * in, and side effects come back as `Effect`s for the caller to carry out.
 */

export { allowedEvents } from "./allowed.ts";
export { holidayDates, withCalendars } from "./calendars.ts";
export { type CompiledPathway, compile } from "./compile.ts";
export { describe as describeCondition, evaluate as evaluateCondition, isMinor } from "./conditions.ts";
export { toMermaid } from "./diagram.ts";
export { migrate, validateMigrationPlan } from "./migrate.ts";
export { type OpenTaskTiming, type RetimedTask, retimeOpenTasks } from "./retime.ts";
export { stageOf } from "./state-index.ts";
export { startCase, step } from "./step.ts";
export { addDuration } from "./time.ts";
export type * from "./types.ts";
